// An app's own crash prints and exits as plain Node's does, with or without the wasm backend
// (whose glue adds process handlers): each script runs in node children without and with it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const packageRoot = join(__dirname, '..');
const built = existsSync(join(packageRoot, 'dist', 'index.js'));

const setups: Record<string, string> = {
  'the wasm backend': `await selectBackend({ require: 'wasm', env: {} });`,
  'the multi-threaded wasm binary': `await selectBackend({ require: 'wasm', wasmThreads: 2, env: {} });`,
  'a wasm backend created again after tf.engine().reset()': `
await selectBackend({ require: 'wasm', env: {} });
tf.engine().reset();
await tf.setBackend('wasm');`,
};

const failures: Record<string, string> = {
  'a thrown error': `throw new Error('mine');`,
  'an unhandled rejection': `Promise.reject(new Error('mine'));`,
};

// Setup and failure sit on fixed lines, and both branches await (which shortens the stack), so
// Node's report (source line, stack) is the same text whether or not the setup ran.
function script(setup: string, failure: string): string {
  return [
    `import * as tf from '@tensorflow/tfjs-core';`,
    `import { selectBackend } from '@tfslim/backend-selector';`,
    `if (process.argv[1] === 'setup') { ${setup.replace(/\n/g, ' ')} } else { await null; }`,
    failure,
  ].join('\n');
}

function run(source: string, mode: 'setup' | 'plain') {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', source, mode], {
    cwd: packageRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: child.status, stderr: child.stderr };
}

(built ? describe : describe.skip)('uncaught errors after selectBackend (built package)', () => {
  describe.each(Object.entries(setups))('after %s', (_, setup) => {
    it.each(Object.entries(failures))('%s prints and exits as Node does', (_name, failure) => {
      const source = script(setup, failure);
      const node = run(source, 'plain');
      const ours = run(source, 'setup');
      expect(node.status).toBe(1);
      expect(ours.stderr).not.toContain('tfjs-backend-wasm');
      expect(ours.stderr).toBe(node.stderr);
      expect(ours.status).toBe(node.status);
    });
  });
});
