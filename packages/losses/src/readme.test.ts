import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from '@swc/core';

// The README's TypeScript examples, run as written: transpiled by swc (TypeScript and ESM
// imports to CommonJS), wrapped in an async function for its top-level await, and given this
// test's `require`, so '@tfslim/losses' resolves to these sources.
const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Runs one example and returns what it logged. */
async function runExample(source: string): Promise<string[]> {
  const { code } = transformSync(source, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  const lines: string[] = [];
  const log = (...args: unknown[]) => lines.push(args.join(' '));
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  const run = new AsyncFunction('require', 'exports', 'module', 'console', code);
  await run(require, {}, { exports: {} }, { log });
  return lines;
}

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
