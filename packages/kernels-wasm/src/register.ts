// Registers these kernels on the wasm backend (stock kernels kept as fallback) and their thread count.
import * as tf from '@tensorflow/tfjs-core';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.js';
import {
  applyGradientDescent,
  applyGradientDescentPortable,
  reluGrad,
  reluGradPortable,
} from './elementwise.js';
import { sharedIdentity } from './identity.js';
import { matMul } from './matmul.js';
import { compileKernels, type KernelContext, kernelsFor } from './module.js';
import { configureThreads, startThreads } from './threads.js';
import { isWasmBackend, type WasmBackend } from './wasm-backend.js';
import { KernelBackendError, KernelThreadsOptionError } from './errors.js';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Impl = (ctx: KernelContext, args: KernelArgs) => tf.TensorInfo | undefined;
/** Computes a kernel tfjs-backend-wasm lacks without the SIMD module (while it compiles). */
type Portable = (backend: WasmBackend, args: KernelArgs) => tf.TensorInfo;

const IMPLS: ReadonlyArray<[string, Impl]> = [
  [
    tf.BatchMatMul,
    (ctx, { inputs, attrs }) =>
      matMul(
        ctx,
        inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo },
        attrs as unknown as tf.BatchMatMulAttrs,
        tf.BatchMatMul,
      ),
  ],
  [
    tf._FusedMatMul,
    (ctx, { inputs, attrs }) =>
      matMul(
        ctx,
        inputs as unknown as tf._FusedMatMulInputs,
        attrs as unknown as tf._FusedMatMulAttrs,
        tf._FusedMatMul,
      ),
  ],
  [
    tf.Conv2D,
    (ctx, { inputs, attrs }) =>
      conv2d(
        ctx,
        inputs as unknown as { x: tf.TensorInfo; filter: tf.TensorInfo },
        attrs as unknown as tf.Conv2DAttrs,
      ),
  ],
  [
    tf.FusedConv2D,
    (ctx, { inputs, attrs }) =>
      conv2d(
        ctx,
        inputs as unknown as tf.FusedConv2DInputs,
        attrs as unknown as tf.FusedConv2DAttrs,
      ),
  ],
  [
    tf.Conv2DBackpropInput,
    (ctx, { inputs, attrs }) =>
      conv2dBackpropInput(
        ctx,
        inputs as unknown as { dy: tf.TensorInfo; filter: tf.TensorInfo },
        attrs as unknown as tf.Conv2DBackpropInputAttrs,
      ),
  ],
  [
    tf.Conv2DBackpropFilter,
    (ctx, { inputs, attrs }) =>
      conv2dBackpropFilter(
        ctx,
        inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo },
        attrs as unknown as tf.Conv2DBackpropFilterAttrs,
      ),
  ],
  [tf.Identity, (_ctx, args) => sharedIdentity(args)],
];

/**
 * Kernels tfjs has no stock version of (the contracts `@tfslim/gradients` and
 * `@tfslim/variables` run where registered), with the plain-JS version that serves when the
 * SIMD module cannot run yet.
 */
const ADDED: ReadonlyArray<[string, Impl, Portable]> = [
  ['ReluGrad', reluGrad, reluGradPortable],
  ['ApplyGradientDescent', applyGradientDescent, applyGradientDescentPortable],
];
const PORTABLE = new Map(ADDED.map(([name, , portable]) => [name, portable]));

/**
 * How many calls each kernel served itself and how many it handed to the stock kernel.
 * Internal: for tests and benchmarks, not part of the public API.
 */
export const servedCounts = { ours: new Map<string, number>(), stock: new Map<string, number>() };

function count(map: Map<string, number>, name: string): void {
  map.set(name, (map.get(name) ?? 0) + 1);
}

/** Kernel configs that were registered for 'wasm' before ours (undefined: none). */
const previous = new Map<string, tf.KernelConfig | undefined>();

function makeConfig(name: string, impl: Impl): tf.KernelConfig {
  const fallback = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    count(servedCounts.stock, name);
    const stock = previous.get(name);
    const portable = PORTABLE.get(name);
    if (stock == null && portable != null && isWasmBackend(args.backend)) {
      return portable(args.backend, args);
    }
    if (stock == null) {
      throw new KernelBackendError(
        `${name}: expected a float32 NHWC input the tfslim wasm kernels handle, got one they do not, and the wasm backend has no stock ${name} kernel to fall back to.`,
      );
    }
    return stock.kernelFunc(args);
  };
  const config: tf.KernelConfig = {
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: (args) => {
      if (!isWasmBackend(args.backend)) return fallback(args);
      const ctx = kernelsFor(args.backend);
      if (ctx == null) return fallback(args);
      const out = impl(ctx, args);
      if (out == null) return fallback(args);
      count(servedCounts.ours, name);
      return out;
    },
  };
  // A wasm backend created later runs setup on the configs registered then: pass it on to the
  // stock kernel so our fallback path stays usable.
  const stock = previous.get(name);
  if (stock?.setupFunc) config.setupFunc = stock.setupFunc;
  if (stock?.disposeFunc) config.disposeFunc = stock.disposeFunc;
  return config;
}

/**
 * Replaces tfjs-backend-wasm's matmul and convolution kernels (and its missing
 * Conv2DBackpropFilter) with tfslim's WebAssembly SIMD ones, which run in the backend's own
 * memory, and its copying Identity (tf.clone) with one that shares the data; adds the training
 * kernels `ReluGrad` (`{dy, y}`: dy * (y > 0)) and `ApplyGradientDescent` (`{variable, delta}`,
 * `{alpha}`: variable - alpha * delta, in place when the variable's data is not shared), which
 * `@tfslim/gradients` and `@tfslim/variables` run where registered. Returns the kernel names now
 * served by tfslim. Idempotent.
 * `@tfslim/backend-selector` calls it when it picks the wasm backend.
 *
 * @example
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmKernels } from '@tfslim/kernels-wasm';
 * await tf.setBackend('wasm');
 * registerWasmKernels(); // ['BatchMatMul', '_FusedMatMul', 'Conv2D', ..., 'ApplyGradientDescent']
 */
export function registerWasmKernels(): string[] {
  void compileKernels().catch(() => undefined);
  const names: string[] = [];
  for (const [name, impl] of [...IMPLS, ...ADDED]) {
    if (!previous.has(name)) previous.set(name, tf.getKernel(name, 'wasm'));
    if (tf.getKernel(name, 'wasm') != null) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(makeConfig(name, impl));
    names.push(name);
  }
  return names;
}

/**
 * Puts back the kernels `registerWasmKernels` replaced (and removes the ones it added).
 * Returns the kernel names it restored or removed.
 *
 * @example
 * unregisterWasmKernels(); // stock tfjs-backend-wasm kernels again
 */
export function unregisterWasmKernels(): string[] {
  const names: string[] = [];
  for (const [name, config] of previous) {
    if (tf.getKernel(name, 'wasm') != null) tf.unregisterKernel(name, 'wasm');
    if (config != null) tf.registerKernel(config);
    names.push(name);
  }
  previous.clear();
  return names;
}

/**
 * Resolves once the kernels module is compiled and, in Node, the worker threads for large
 * GEMMs are started. Calls made before run single-threaded (Node) or on the stock kernels (a
 * browser's main thread, which must compile asynchronously).
 *
 * @example
 * registerWasmKernels();
 * await wasmKernelsReady();
 */
export async function wasmKernelsReady(): Promise<void> {
  await Promise.all([compileKernels(), startThreads()]);
}

/**
 * Sets how many threads large matmuls and convolutions use in Node (default: one per core, at
 * most 8, or `TFSLIM_WASM_KERNEL_THREADS`). 1 keeps every kernel on the calling thread. Only calls of
 * about 30 MFLOP and more are split; smaller ones never pay for the copy into shared memory.
 *
 * @example
 * setWasmKernelThreads(1); // single-threaded, zero-copy everywhere
 */
export function setWasmKernelThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new KernelThreadsOptionError(
      `setWasmKernelThreads: expected a whole number of threads >= 1, got ${threads}. Pass 1 to turn threads off.`,
    );
  }
  configureThreads({ threads });
  void startThreads();
}
