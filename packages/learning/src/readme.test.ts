// The README's example runs as written (its logdir moved to a fresh temp dir) and prints what
// the README says.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeBlocks, readReadme, runExample } from '@tfslim-internal/testing';

it('README example prints what the README says', async () => {
  const readme = readReadme(__dirname);
  const [code] = codeBlocks(readme, 'js');
  const [printed] = codeBlocks(readme, 'text');
  if (code === undefined || printed === undefined)
    throw new Error('README: example or output missing');
  const logdir = mkdtempSync(join(tmpdir(), 'tfslim-learning-readme-'));
  let lines: string[];
  try {
    lines = await runExample(
      code.replace("'/tmp/tfslim-learning-demo'", JSON.stringify(logdir)),
      require,
    );
  } finally {
    rmSync(logdir, { recursive: true, force: true });
  }
  const logged = lines.filter((l) => /^global step \d+: loss = /.test(l));
  expect(logged.map((l) => /^global step (\d+)/.exec(l)?.[1])).toEqual(['100', '200', '300']);
  expect(lines.filter((l) => !logged.includes(l) && !l.startsWith('Evaluation'))).toEqual(
    printed.trim().split('\n'),
  );
});

it.each(
  codeBlocks(readReadme(__dirname), 'js')
    .slice(1)
    .map((code, i) => [i + 1, code] as const),
)('README example %i prints what the README says', async (i, code) => {
  const printed = codeBlocks(readReadme(__dirname), 'text')[i];
  if (printed === undefined) throw new Error(`README: output of example ${i} missing`);
  const logdir = mkdtempSync(join(tmpdir(), 'tfslim-learning-readme-'));
  try {
    const source = code.replace(
      /'\/tmp\/tfslim-learning-(\w+)/g,
      (_m, name: string) => `'${join(logdir, name)}`,
    );
    expect(await runExample(source, require)).toEqual(printed.trim().split('\n'));
  } finally {
    rmSync(logdir, { recursive: true, force: true });
  }
});
