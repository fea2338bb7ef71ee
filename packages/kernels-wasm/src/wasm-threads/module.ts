// Starts tfjs-backend-wasm's threaded emscripten module in Node: glue, pthread workers, timeouts.
import type { Worker } from 'node:worker_threads';
import { pthreadWorkerUrl } from './worker-url.js';
import { WasmThreadsStartError } from '../errors.js';

// Files tfjs-backend-wasm 4.x ships in wasm-out/: the plain emscripten glue of the threaded SIMD
// build (CommonJS, Node-aware, unlike the copy rolled into its bundle, whose closure over
// rollup's `require$$0` cannot run in a worker), and the text of its pthread worker script.
// Held in variables so tsc and bundlers do not resolve them at build time.
const GLUE_SPECIFIER = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
const WORKER_SPECIFIER =
  '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
const GLUE_FILE = 'tfjs-backend-wasm-threaded-simd.js';

/** Emscripten's pool size in this build (`PTHREAD_POOL_SIZE`); tfjs caps its pool at 8 too. */
export const MAX_THREADS = 8;

/** A pthread worker as emscripten's glue decorates it. */
export type PthreadWorker = Worker & { onerror?: ((error: unknown) => void) | undefined };

/** The parts of the threaded emscripten module tfslim and tfjs's BackendWasm use. */
export interface ThreadedModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  PThread: {
    unusedWorkers: PthreadWorker[];
    runningWorkers: PthreadWorker[];
    terminateAllThreads(): void;
  };
  tfjs: {
    init(): void;
    initWithThreadsCount(threads: number): void;
    getThreadsCount(): number;
    registerTensor(id: number, size: number, offset: number): void;
    disposeData(id: number): void;
    dispose(): void;
  };
}

type WasmImports = Record<string, Record<string, unknown>>;

interface FactoryConfig {
  locateFile(path: string, prefix: string): string | URL;
  instantiateWasm(
    imports: WasmImports,
    receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ): object;
  onAbort(what: unknown): void;
  PThread?: ThreadedModule['PThread'];
}

type Factory = (config: FactoryConfig) => Promise<unknown>;

export interface CreateOptions {
  threads: number;
  /** Give up (and clean up) if the module and its workers are not ready by then. */
  timeoutMs: number;
  /** Testing only: replaces the worker script text tfjs-backend-wasm ships. */
  workerContents?: string;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function loadFactory(): Promise<Factory> {
  const glue = (await import(/* webpackIgnore: true */ GLUE_SPECIFIER)) as {
    default?: unknown;
  };
  if (typeof glue.default !== 'function') {
    throw new WasmThreadsStartError(`${GLUE_SPECIFIER} exports no emscripten factory`);
  }
  return glue.default as Factory;
}

async function loadWorkerContents(): Promise<string> {
  const mod = (await import(/* webpackIgnore: true */ WORKER_SPECIFIER)) as {
    wasmWorkerContents?: unknown;
    default?: { wasmWorkerContents?: unknown };
  };
  const contents = mod.wasmWorkerContents ?? mod.default?.wasmWorkerContents;
  if (typeof contents !== 'string' || !contents.includes('WasmBackendModuleThreadedSimd')) {
    throw new WasmThreadsStartError(
      `${WORKER_SPECIFIER} holds no pthread worker script (wasmWorkerContents)`,
    );
  }
  return contents;
}

/** `process` listeners emscripten's glue adds, so a failed start can take them back off. */
type Listener = (...args: unknown[]) => void;

function processListeners(): Set<Listener> {
  return new Set<Listener>([
    ...(process.listeners('uncaughtException') as Listener[]),
    ...(process.listeners('unhandledRejection') as Listener[]),
  ]);
}

function removeListenersAddedSince(before: Set<Listener>): void {
  for (const listener of process.listeners('uncaughtException') as Listener[]) {
    if (!before.has(listener)) process.removeListener('uncaughtException', listener);
  }
  for (const listener of process.listeners('unhandledRejection') as Listener[]) {
    if (!before.has(listener)) process.removeListener('unhandledRejection', listener);
  }
}

/** Ends every worker the module made; used when it failed to start or is given up. */
export function terminateWorkers(pthread: ThreadedModule['PThread'] | undefined): void {
  if (!pthread) return;
  for (const worker of [...pthread.unusedWorkers, ...pthread.runningWorkers]) {
    void worker.terminate().catch(() => undefined);
  }
  pthread.unusedWorkers.length = 0;
  pthread.runningWorkers.length = 0;
}

/**
 * Runs `create` (the emscripten factory), then puts `globalThis.Worker` back as it was: the glue
 * sets it to worker_threads.Worker in Node, which would make Node look like a browser to code
 * that tests `typeof Worker`. The glue creates its pool's 8 workers inside the call.
 */
function withoutGlobalWorker<T>(create: () => T): T {
  const before = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  try {
    return create();
  } finally {
    if (before) Object.defineProperty(globalThis, 'Worker', before);
    else delete (globalThis as { Worker?: unknown }).Worker;
  }
}

/**
 * Instantiates tfjs-backend-wasm's multi-threaded SIMD binary in Node: its emscripten glue,
 * pthread workers started from a `data:` URL, and the 8 workers of emscripten's pool loaded.
 * Rejects (never hangs past `timeoutMs`, never leaves workers or listeners behind) when any
 * step fails.
 */
export async function createThreadedModule(options: CreateOptions): Promise<ThreadedModule> {
  const [factory, contents, fs] = await Promise.all([
    loadFactory(),
    options.workerContents !== undefined
      ? Promise.resolve(options.workerContents)
      : loadWorkerContents(),
    import('node:fs/promises'),
  ]);

  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  // fail() may run inside factory() (instantiateWasm is called synchronously), before the race
  // below listens: keep that rejection from counting as unhandled.
  failed.catch(() => undefined);
  let wasmPath: string | undefined;
  const earlyListeners: Array<[PthreadWorker, string, Listener]> = [];
  const glueOnError = new Map<PthreadWorker, PthreadWorker['onerror']>();

  const onWorkerError = (error: unknown) =>
    fail(new WasmThreadsStartError(`a pthread worker failed to start: ${message(error)}`));
  const onWorkerExit = (code: unknown) =>
    fail(
      new WasmThreadsStartError(`a pthread worker exited (code ${String(code)}) before it loaded`),
    );

  const config: FactoryConfig = {
    locateFile(path, prefix) {
      if (path.endsWith('.worker.js')) return pthreadWorkerUrl(prefix + GLUE_FILE, contents);
      if (path.endsWith('.wasm')) wasmPath = prefix + path;
      return prefix + path;
    },
    instantiateWasm(imports, receive) {
      if (wasmPath === undefined) {
        fail(new WasmThreadsStartError('emscripten never asked where the .wasm binary is'));
        return {};
      }
      // tfjs's C++ (backend.cc) sizes its pool as min(requested, logical cores / 2): it assumes
      // two hyperthreads per core, which leaves one thread on 2-core machines whatever
      // setThreadsCount says. Report 2 × threads so the requested count is what runs.
      const env = { ...imports['env'], emscripten_num_logical_cores: () => 2 * options.threads };
      fs.readFile(wasmPath)
        .then((bytes) => WebAssembly.instantiate(bytes, { ...imports, env } as WebAssembly.Imports))
        .then(({ instance, module }) => {
          receive(instance, module);
          // receive() attached emscripten's handlers, whose onerror throws (an uncaught
          // exception in Node): turn worker errors into a failed start until ready.
          for (const worker of config.PThread?.unusedWorkers ?? []) {
            glueOnError.set(worker, worker.onerror);
            worker.onerror = onWorkerError;
          }
        })
        .catch((error: unknown) =>
          fail(new WasmThreadsStartError(`instantiating the wasm failed: ${message(error)}`)),
        );
      return {};
    },
    onAbort(what) {
      fail(new WasmThreadsStartError(`emscripten aborted: ${String(what)}`));
    },
  };

  const listenersBefore = processListeners();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const ready = withoutGlobalWorker(() => factory(config));
    // Worker 'error' events with no listener throw; emscripten adds its own only once the wasm
    // is instantiated, so listen from the start.
    for (const worker of config.PThread?.unusedWorkers ?? []) {
      worker.on('error', onWorkerError);
      worker.on('exit', onWorkerExit);
      earlyListeners.push([worker, 'error', onWorkerError], [worker, 'exit', onWorkerExit]);
    }
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new WasmThreadsStartError(
              `the module and its pthread workers were not ready after ${options.timeoutMs} ms`,
            ),
          ),
        options.timeoutMs,
      );
    });
    const module = (await Promise.race([ready, failed, timeout])) as ThreadedModule;
    for (const [worker, event, listener] of earlyListeners) worker.off(event, listener);
    for (const [worker, onerror] of glueOnError) worker.onerror = onerror;
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    return module;
  } catch (error) {
    terminateWorkers(config.PThread);
    removeListenersAddedSince(listenersBefore);
    throw error instanceof Error ? error : new WasmThreadsStartError(message(error));
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
