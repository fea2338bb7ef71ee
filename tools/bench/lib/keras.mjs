// The Keras side of the native benchmarks: keras_native.py as a line server in the TensorFlow
// venv (.venv at the root, or TFSLIM_TF_VENV), so a benchmark interleaves its steps with
// Keras's in one run. startKeras() returns null, with the reason, when there is no venv.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

/** `{keras, reason}`: keras.call(cmd) -> Promise<reply>, keras.close(); null with a reason. */
export async function startKeras() {
  const venv = process.env.TFSLIM_TF_VENV ?? join(root, '.venv');
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python)) {
    return { keras: null, reason: `no TensorFlow venv at ${venv} (run npm run native:setup)` };
  }
  const child = spawn(python, [join(here, 'keras_native.py')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('keras_native.py exited early');
    return JSON.parse(value);
  };
  let hello;
  try {
    hello = await next();
  } catch (e) {
    child.kill();
    return { keras: null, reason: `keras_native.py did not start: ${e.message}` };
  }
  const keras = {
    versions: `tf ${hello.tf}, keras ${hello.keras}`,
    async call(cmd) {
      child.stdin.write(JSON.stringify(cmd) + '\n');
      const reply = await next();
      if (reply.error) throw new Error(`keras_native.py: ${reply.error}`);
      return reply;
    },
    close() {
      child.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n');
    },
  };
  return { keras, reason: null };
}
