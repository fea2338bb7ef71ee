// Emscripten's Node glue (tfjs-backend-wasm's binaries) adds process handlers each time it
// creates a module: `uncaughtException` rethrows from tfjs's file, so every crash of the app
// prints `tf-backend-wasm.node.js: throw ex;` first and exits 7, and `unhandledRejection` turns
// rejections into such throws. Wasm modules are created through here, and exactly the handlers
// added meanwhile are removed, so errors print and exit as Node's defaults do.
import * as tf from '@tensorflow/tfjs-core';

const EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
type ProcessEvent = (typeof EVENTS)[number];
type Listener = (...args: unknown[]) => void;

/** The part of Node's `process` used here (none in browsers). */
interface ProcessListeners {
  listeners(event: ProcessEvent): Listener[];
  removeListener(event: ProcessEvent, listener: Listener): unknown;
}

function nodeProcess(): ProcessListeners | undefined {
  const proc = (globalThis as { process?: Partial<ProcessListeners> }).process;
  return typeof proc?.listeners === 'function' && typeof proc.removeListener === 'function'
    ? (proc as ProcessListeners)
    : undefined;
}

/** Runs `create`, then removes the uncaughtException/unhandledRejection handlers it added. */
export async function withoutAddedErrorHandlers<T>(create: () => T | Promise<T>): Promise<T> {
  const proc = nodeProcess();
  if (!proc) return create();
  const before = EVENTS.map((event) => proc.listeners(event));
  try {
    return await create();
  } finally {
    EVENTS.forEach((event, i) => {
      for (const listener of proc.listeners(event)) {
        if (!before[i]!.includes(listener)) proc.removeListener(event, listener);
      }
    });
  }
}

const guarded = new WeakSet<object>();

/**
 * Makes the registered tfjs backend `name` (default 'wasm') leave Node's process error handlers
 * alone: each module its factory creates (the first `tf.setBackend`, and again after
 * `tf.engine().reset()`) has the `uncaughtException`/`unhandledRejection` handlers emscripten
 * adds taken off again, so an app's crash prints and exits as Node's default does. Call it
 * after importing the backend and before `tf.setBackend`; `selectBackend` does. Idempotent; does
 * nothing outside Node or when no such backend is registered.
 *
 * @example
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-wasm';
 * keepProcessErrorHandlers('wasm');
 * await tf.setBackend('wasm');
 */
export function keepProcessErrorHandlers(name = 'wasm'): void {
  const entry = tf.engine().registryFactory[name];
  if (entry == null || guarded.has(entry.factory)) return;
  const original = entry.factory;
  const factory = () => withoutAddedErrorHandlers(original);
  guarded.add(factory);
  entry.factory = factory;
}
