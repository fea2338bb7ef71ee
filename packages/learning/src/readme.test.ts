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
