// The README's first example runs as written (on the built package, in plain node) and
// prints what the README says it prints.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmpDir } from '../test/helpers.js';

const root = path.resolve(__dirname, '..');
const built = fs.existsSync(path.join(root, 'dist', 'index.js'));
if (!built)
  console.warn('checkpoint README test: skipped, run `npx tsup` in packages/checkpoint first');

(built ? it : it.skip)('README example runs and prints what it says', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(readme)![1]!;
  const expected = /prints\n\n```text\n([\s\S]*?)```/.exec(readme)![1]!;
  const dir = path.join(tmpDir('readme'), 'demo', 'train');
  const script = code.replace("'logs/demo/train'", JSON.stringify(dir));
  expect(script).not.toBe(code);
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(out.trim()).toBe(expected.trim());
  expect(fs.readdirSync(dir).sort()).toEqual([
    'checkpoint',
    'model.ckpt-100.data-00000-of-00001',
    'model.ckpt-100.index',
  ]);
  fs.rmSync(path.dirname(path.dirname(dir)), { recursive: true });
});
