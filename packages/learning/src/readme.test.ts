// The README's example runs as written (imports turned into requires, so it runs from the
// sources under jest; its logdir moved to a fresh temp dir) and prints what the README says.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';

it('README example prints what the README says', async () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  const printed = /```text\n([\s\S]*?)```/.exec(readme)?.[1];
  if (code === undefined || printed === undefined)
    throw new Error('README: example or output missing');
  const logdir = mkdtempSync(join(tmpdir(), 'tfslim-learning-readme-'));
  const body = code
    .replace(/import \* as (\w+) from '([^']+)';/g, "const $1 = require('$2');")
    .replace(/import \{([^}]*)\} from '([^']+)';/g, "const {$1} = require('$2');")
    .replace("'/tmp/tfslim-learning-demo'", JSON.stringify(logdir));
  expect(body).not.toMatch(/^import /m);
  const lines: string[] = [];
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  const run = new AsyncFunction('require', 'console', body);
  try {
    await run(require, { log: (...a: unknown[]) => lines.push(format(...a)) });
  } finally {
    rmSync(logdir, { recursive: true, force: true });
  }
  const logged = lines.filter((l) => /^global step \d+: loss = /.test(l));
  expect(logged.map((l) => /^global step (\d+)/.exec(l)?.[1])).toEqual(['100', '200', '300']);
  expect(lines.filter((l) => !logged.includes(l) && !l.startsWith('Evaluation'))).toEqual(
    printed.trim().split('\n'),
  );
});
