// The README's first example runs as written (on the built package, in plain node).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot, tempDir } from '../test/helpers';

const built = existsSync(join(packageRoot, 'dist', 'index.js'));
if (!built) console.warn('summary README test: skipped, run `npx tsup` in packages/summary first');

(built ? it : it.skip)('README example runs and prints what it says', () => {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(readme)![1]!;
  const logdir = join(tempDir(), 'demo', 'train');
  const script = code.replace("'logs/demo/train'", JSON.stringify(logdir));
  expect(script).not.toBe(code);
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: packageRoot,
    encoding: 'utf8',
  });
  // Scalars come back as float32: Math.fround(1 / (step + 1)).
  const losses = [0, 25, 50, 75].map((s) => `${s} loss ${Math.fround(1 / (s + 1))}`);
  expect(out.trim().split('\n')).toEqual([...losses, 'weights 30 buckets']);
});
