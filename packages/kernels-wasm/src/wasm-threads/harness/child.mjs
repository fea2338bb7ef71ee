// A plain-node child for threads.test.ts: `node child.mjs <threads index.js URL> <module.js URL>
// <scenario>`. Prints one JSON line and must then exit on its own (no process.exit): a pthread
// worker that kept Node alive would make the parent's spawn time out.
import * as tf from '@tensorflow/tfjs-core';
import * as wasm from '@tensorflow/tfjs-backend-wasm';

const [indexUrl, moduleUrl, scenario] = process.argv.slice(2);
const { enableWasmThreads } = await import(indexUrl);

/** The same deterministic inputs the test recomputes in plain JS (see threads.test.ts). */
function values(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function compute() {
  return tf.tidy(() => {
    const a = tf.tensor3d(values(2 * 67 * 129, 1), [2, 67, 129]);
    const b = tf.tensor3d(values(2 * 129 * 93, 2), [2, 129, 93]);
    const x = tf.tensor4d(values(2 * 17 * 19 * 24, 3), [2, 17, 19, 24]);
    const w = tf.tensor4d(values(3 * 3 * 24 * 32, 4), [3, 3, 24, 32]);
    return {
      matmul: Array.from(tf.matMul(a, b).dataSync()),
      convSame: Array.from(tf.conv2d(x, w, 1, 'same').dataSync()),
      convValid2: Array.from(tf.conv2d(x, w, 2, 'valid').dataSync()),
    };
  });
}

function pool() {
  const pthread = tf.backend().wasm?.PThread;
  return pthread
    ? { running: pthread.runningWorkers.length, idle: pthread.unusedWorkers.length }
    : null;
}

const listeners = () =>
  process.listenerCount('uncaughtException') + process.listenerCount('unhandledRejection');

const out = { scenario };
if (scenario === 'threads') {
  out.result = await enableWasmThreads({ threads: 2 });
  out.again = await enableWasmThreads({ threads: 3 });
  out.flag = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  await tf.setBackend('wasm');
  out.backend = tf.getBackend();
  out.globalWorker = typeof globalThis.Worker;
  out.threadsCount = wasm.getThreadsCount();
  out.pool = pool();
  out.values = compute();
  // The engine may drop its backends and build them again: the factory makes a fresh pool.
  tf.engine().reset();
  await tf.setBackend('wasm');
  out.afterReset = { threadsCount: wasm.getThreadsCount(), pool: pool(), values: compute() };
} else if (scenario === 'default') {
  out.result = await enableWasmThreads();
  await tf.setBackend('wasm');
  out.threadsCount = wasm.getThreadsCount();
  out.values = compute();
} else if (scenario === 'stock') {
  await tf.setBackend('wasm');
  out.threadsCount = wasm.getThreadsCount();
  out.flag = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  out.values = compute();
} else if (scenario === 'fallback') {
  out.one = await enableWasmThreads({ threads: 1 });
  try {
    await enableWasmThreads({ threads: 0 });
  } catch (error) {
    out.badInput = `${error.name} (${error.code}): ${error.message}`;
  }
  await tf.setBackend('wasm');
  out.late = await enableWasmThreads({ threads: 2 });
  out.threadsCount = wasm.getThreadsCount();
  out.flag = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  out.values = compute();
} else if (scenario === 'failures') {
  const { createThreadedModule } = await import(moduleUrl);
  const before = listeners();
  const attempt = async (options) => {
    try {
      await createThreadedModule({ threads: 2, timeoutMs: 20_000, ...options });
      return 'resolved';
    } catch (error) {
      return error.message;
    }
  };
  // A worker script that throws, one that ends at once, and one that never answers.
  out.throwing = await attempt({ workerContents: 'throw new Error("boom")' });
  out.quitting = await attempt({ workerContents: '' });
  out.silent = await attempt({ workerContents: 'setInterval(() => {}, 1000)', timeoutMs: 2000 });
  out.listenersLeft = listeners() - before;
  await tf.setBackend('wasm');
  out.threadsCount = wasm.getThreadsCount();
  out.values = compute();
}
console.log(JSON.stringify(out));
