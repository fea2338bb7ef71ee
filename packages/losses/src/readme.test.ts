// The README's examples run and print what the README says.
import { codeBlocks, readReadme, runExample as runWith } from '@tfslim-internal/testing';

// The README's TypeScript examples, run as written, with this test's `require` so
// '@tfslim/losses' resolves to these sources.
const readme = readReadme(__dirname);
const examples = codeBlocks(readme, 'ts');
const runExample = (source: string) => runWith(source, require);

it('the README example runs and prints what the README says', async () => {
  const lines = await runExample(examples[0]!);
  expect(lines.slice(0, 3)).toEqual([
    'hand-written 0.380, mse 0.038',
    'ratio: 10.000',
    'per example: 0.14, 0.62',
  ]);
  const losses = lines.slice(3).map((l) => Number(/loss = ([\d.]+)/.exec(l)?.[1]));
  expect(lines[3]).toBe('step 0: loss = 1.0986');
  expect(losses).toHaveLength(4);
  expect(losses[3]!).toBeLessThan(losses[0]! / 4);
  expect(readme).toContain(
    '`hand-written 0.380, mse 0.038`, `ratio: 10.000`, `per example: 0.14, 0.62`',
  );
});

it('the metric-learning example runs and prints what the README says', async () => {
  const example = examples.find((e) => e.includes('tripletSemihardLoss'));
  expect(example).toBeDefined();
  expect(await runExample(example!)).toEqual(['triplet 10.25', 'contrastive 12.625']);
  expect(readme).toContain(
    'It prints `triplet 10.25` (41 over the 4 positive pairs) and `contrastive 12.625`.',
  );
});
