// enableWasmThreads (Node): tfjs-backend-wasm's multi-threaded SIMD binary, registered as 'wasm'.
import * as tf from '@tensorflow/tfjs-core';
import type * as WasmBackendPackage from '@tensorflow/tfjs-backend-wasm';
import {
  MAX_THREADS,
  createThreadedModule,
  terminateWorkers,
  type ThreadedModule,
} from './module.js';
import type { WasmThreadsOptions, WasmThreadsResult } from './types.js';
import { keepProcessErrorHandlers, withoutAddedErrorHandlers } from './process-handlers.js';
import { WasmThreadsOptionError, WasmThreadsStartError } from '../errors.js';

export type { WasmThreadsOptions, WasmThreadsResult } from './types.js';

type WasmPackage = typeof WasmBackendPackage;

// The priority tfjs-backend-wasm registers 'wasm' with (WASM_PRIORITY, not exported).
const WASM_PRIORITY = 2;
const START_TIMEOUT_MS = 30_000;
// Held in a variable so bundlers leave the optional-at-runtime import alone (as candidates.ts).
const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

let current: Promise<WasmThreadsResult> | undefined;

function disabled(reason: string, threads = 1): WasmThreadsResult {
  return { enabled: false, threads, reason };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function checkThreads(threads: unknown): number | undefined {
  if (threads === undefined) return undefined;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1) {
    throw new WasmThreadsOptionError(
      `enableWasmThreads: expected options.threads to be an integer >= 1, got ${String(threads)}. Omit it to use every CPU Node may use.`,
    );
  }
  return threads;
}

async function defaultThreads(): Promise<number> {
  const os = await import('node:os');
  return typeof os.availableParallelism === 'function'
    ? os.availableParallelism()
    : os.cpus().length;
}

/** The threaded module with a tfjs BackendWasm on it, its pool started, or a reason it failed. */
async function createThreadedBackend(
  wasm: WasmPackage,
  threads: number,
): Promise<tf.KernelBackend> {
  const module: ThreadedModule = await withoutAddedErrorHandlers(() =>
    createThreadedModule({ threads, timeoutMs: START_TIMEOUT_MS }),
  );
  try {
    wasm.setThreadsCount(threads);
    const backend = new wasm.BackendWasm(
      module as unknown as ConstructorParameters<WasmPackage['BackendWasm']>[0],
    );
    const actual = module.tfjs.getThreadsCount();
    if (actual < 2) {
      backend.dispose();
      throw new WasmThreadsStartError(
        `tfjs-backend-wasm started a pool of ${actual} thread(s), not ${threads}`,
      );
    }
    // XNNPACK's pool threads live as long as the module, each in a worker emscripten ref()ed
    // when it started it: unref them so they never keep Node from exiting. They only compute
    // while the main thread waits for them inside a kernel, so nothing is lost at exit.
    for (const worker of module.PThread.runningWorkers) worker.unref();
    // Emscripten preloads 8 workers; the pool is fixed now, so end the ones it did not take.
    for (const worker of module.PThread.unusedWorkers) void worker.terminate();
    module.PThread.unusedWorkers.length = 0;
    return backend;
  } catch (error) {
    terminateWorkers(module.PThread);
    throw error;
  }
}

async function tryEnable(requested: number | undefined): Promise<WasmThreadsResult> {
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') {
    return disabled('not running in Node (browsers: use tfjs-backend-wasm as documented)');
  }
  if (typeof SharedArrayBuffer === 'undefined') {
    return disabled('SharedArrayBuffer is not available in this Node process');
  }
  let wasm: WasmPackage;
  try {
    wasm = (await import(/* webpackIgnore: true */ WASM_PACKAGE)) as WasmPackage;
  } catch (error) {
    return disabled(`@tensorflow/tfjs-backend-wasm failed to load: ${message(error)}`);
  }
  keepProcessErrorHandlers('wasm');
  const stockFactory = tf.findBackendFactory('wasm');
  if (stockFactory == null) {
    return disabled(
      `@tensorflow/tfjs-backend-wasm registered no 'wasm' backend with this copy of @tensorflow/tfjs-core (two tfjs-core versions installed? run \`npm ls @tensorflow/tfjs-core\`)`,
    );
  }
  let initialised: number | undefined;
  try {
    initialised = wasm.getThreadsCount(); // throws until a wasm backend has been created
  } catch {
    initialised = undefined;
  }
  if (initialised !== undefined) {
    return disabled(
      `the wasm backend was already initialised (with ${initialised} thread(s)); call enableWasmThreads before the first tf.setBackend('wasm') in the process`,
      initialised,
    );
  }
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) {
    return disabled('this runtime has no WebAssembly SIMD, which the threaded binary needs');
  }
  const threads = Math.min(requested ?? (await defaultThreads()), MAX_THREADS);
  if (threads < 2) {
    return disabled(
      requested === undefined
        ? 'Node may use only 1 CPU here: the single-threaded SIMD binary is faster'
        : 'threads: 1 requested: the single-threaded SIMD binary is used',
    );
  }

  let backend: tf.KernelBackend;
  try {
    backend = await createThreadedBackend(wasm, threads);
  } catch (error) {
    return disabled(`the multi-threaded wasm binary did not start: ${message(error)}`);
  }
  const actual = wasm.getThreadsCount();

  // Replace tfjs-backend-wasm's factory (whose init picks the threaded build only in browsers)
  // with one that hands out the backend built above. If the engine asks again (after
  // tf.engine().reset()), build a fresh threaded one, or fall back to the stock factory.
  let prepared: tf.KernelBackend | undefined = backend;
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      if (prepared) {
        const first = prepared;
        prepared = undefined;
        return first;
      }
      try {
        return await createThreadedBackend(wasm, threads);
      } catch {
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
        return stockFactory();
      }
    },
    WASM_PRIORITY,
  );
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  return { enabled: true, threads: actual };
}

/**
 * Makes tfjs's wasm backend run its multi-threaded SIMD binary in Node, which
 * tfjs-backend-wasm 4.x turns off there. Call it before the first `tf.setBackend('wasm')` of
 * the process; the binary, its pthread workers and XNNPACK's thread pool start here, so the
 * result says what really runs. It never throws for environmental reasons: on any failure the
 * result has `enabled: false` and a `reason`, and the stock single-threaded binary is used.
 * The pool's threads never keep Node from exiting. Calling it again returns the first success.
 *
 * The wasm memory becomes shared: `registerWasmKernels`' kernels then use their shared-memory
 * build (`selectBackend({ wasmKernels: 'stock' })` or `TFSLIM_WASM_KERNELS=stock` keeps tfjs's).
 *
 * @throws WasmThreadsOptionError (a TypeError) when `options.threads` is not an integer >= 1.
 * @example
 * import * as tf from '@tensorflow/tfjs-core';
 * import { enableWasmThreads } from '@tfslim/kernels-wasm';
 * const { enabled, threads, reason } = await enableWasmThreads({ threads: 4 });
 * await tf.setBackend('wasm');
 * console.log(enabled ? `wasm on ${threads} threads` : `single-threaded: ${reason}`);
 */
export async function enableWasmThreads(
  options: WasmThreadsOptions = {},
): Promise<WasmThreadsResult> {
  const requested = checkThreads(options.threads);
  if (current) return current;
  const attempt = tryEnable(requested).catch((error: unknown) =>
    disabled(`enabling threads failed unexpectedly: ${message(error)}`),
  );
  current = attempt;
  const result = await attempt;
  if (!result.enabled) current = undefined;
  return result;
}
