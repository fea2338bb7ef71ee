// Accurate float32 Sum and Mean for tfjs-backend-wasm: large reductions as a tree of stock sums.
import * as tf from '@tensorflow/tfjs-core';
import {
  asFloat32,
  asWasmBackend,
  f32Offset,
  heapF32,
  release,
  reshape,
  runWasmKernel,
  type WasmBackendLike,
} from './wasm-backend.js';

/**
 * Tuning of the accurate reductions. Internal (tests may lower them).
 * - `threshold`: reductions of at most this many elements per output go to the stock kernel
 *   unchanged (its one-by-one float32 sum loses about sqrt(n) * 2^-24 relative).
 * - `chunk`: the most elements the stock kernel adds one by one at each level of the tree.
 */
export const accurateSumTuning = { threshold: 4096, chunk: 256 };

/** Marks kernel configs built here, across module copies, so they are never wrapped twice. */
const ACCURATE = Symbol.for('@tfslim/backend-selector:accurate-reduction');

/** An accurate kernel config, holding the stock config it delegates to. */
type Marked = tf.KernelConfig & { [ACCURATE]?: tf.KernelConfig };

/** True when `config` is one of the accurate Sum/Mean kernels registered by this module. */
export function isAccurateReduction(config: tf.KernelConfig | undefined): boolean {
  return config != null && (config as Marked)[ACCURATE] != null;
}

/** The stock kernel an accurate one delegates to (the config itself for any other). */
function unwrap(config: tf.KernelConfig): tf.KernelConfig {
  return (config as Marked)[ACCURATE] ?? config;
}

type ReduceAttrs = { axis: number | number[]; keepDims: boolean };

/** A chunk size near `target` that divides n (no padding needed), else one that pads least. */
function chunkSizeFor(n: number, target: number): number {
  for (let c = target; c >= Math.ceil(target / 2); c--) {
    if (n % c === 0) return c;
  }
  return Math.ceil(n / Math.ceil(n / target));
}

/**
 * Sums the rows of x, shape [outer, n], float32, as a tree: each level adds at most
 * `accurateSumTuning.chunk` values one by one with the stock kernel. Returns [outer].
 */
function sumRows(
  backend: WasmBackendLike,
  stockSum: tf.KernelConfig,
  x: tf.TensorInfo,
): tf.TensorInfo {
  const [outer, n] = x.shape as [number, number];
  const chunk = Math.max(2, accurateSumTuning.chunk);
  const call = (t: tf.TensorInfo): tf.TensorInfo =>
    stockSum.kernelFunc({
      inputs: { x: t },
      backend: backend as unknown as tf.KernelBackend,
      attrs: { axis: t.shape.length - 1, keepDims: false },
    }) as tf.TensorInfo;
  if (n <= chunk) return call(x);

  const c = chunkSizeFor(n, chunk);
  const chunks = Math.ceil(n / c);
  const temps: tf.TensorInfo[] = [];
  try {
    let padded = x;
    if (chunks * c !== n) {
      // Zeros do not change a sum. (Copies x; avoided whenever a chunk size divides n.)
      padded = runWasmKernel(
        backend,
        tf.PadV2,
        { x },
        {
          paddings: [
            [0, 0],
            [0, chunks * c - n],
          ],
          constantValue: 0,
        },
      );
      temps.push(padded);
    }
    const blocks = reshape(backend, padded, [outer, chunks, c]);
    temps.push(blocks);
    const partial = call(blocks); // [outer, chunks]
    temps.push(partial);
    return sumRows(backend, stockSum, partial);
  } finally {
    release(backend, ...temps);
  }
}

/**
 * Shared by Sum and Mean: when the reduction is large and float32 (or, with `cast`, int32 or
 * bool, cast to float32 first), returns the accurate float32 sum in the output shape (keepDims
 * honoured) and the count of values in each output; else null.
 */
function accurateSum(
  backend: WasmBackendLike,
  stockSum: tf.KernelConfig,
  x: tf.TensorInfo,
  attrs: ReduceAttrs,
  cast = false,
): { sum: tf.TensorInfo; count: number } | null {
  const castable = cast && (x.dtype === 'int32' || x.dtype === 'bool');
  if (x.dtype !== 'float32' && !castable) return null;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(attrs.axis, x.shape);
  const count = axes.reduce((p, a) => p * (x.shape[a] ?? 1), 1);
  if (count <= accurateSumTuning.threshold || tf.util.sizeFromShape(x.shape) === 0) return null;

  const temps: tf.TensorInfo[] = [];
  try {
    const x32 = asFloat32(backend, x);
    if (x32 !== x) temps.push(x32);
    let input = x32;
    let inner = axes;
    const perm = tf.backend_util.getAxesPermutation(axes, rank);
    if (perm != null) {
      input = runWasmKernel(backend, tf.Transpose, { x: x32 }, { perm });
      temps.push(input);
      inner = tf.backend_util.getInnerMostAxes(axes.length, rank);
    }
    const [outShape] = tf.backend_util.computeOutAndReduceShapes(input.shape, inner);
    const outer = tf.util.sizeFromShape(outShape);
    const rows = reshape(backend, input, [outer, count]);
    temps.push(rows);
    const sums = sumRows(backend, stockSum, rows);
    temps.push(sums);
    const shape = attrs.keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    return { sum: reshape(backend, sums, shape), count };
  } finally {
    release(backend, ...temps);
  }
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * The reduction of an EMPTY input, exactly: `fill` in every output element (the stock wasm
 * kernels leave the output uninitialised, e.g. ~3.6e-41 where the sum is 0). Null when `x` is
 * not empty. The output may itself be non-empty: summing [0, 3] over axis 0 gives [3] zeros.
 */
function emptyReduction(
  backend: WasmBackendLike,
  x: tf.TensorInfo,
  attrs: ReduceAttrs,
  dtype: 'float32' | 'int32',
  fill: number,
): tf.TensorInfo | null {
  if (tf.util.sizeFromShape(x.shape) !== 0) return null;
  const axes = tf.util.parseAxisParam(attrs.axis, x.shape);
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const shape = attrs.keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
  const out = backend.makeOutput(shape, dtype);
  const size = tf.util.sizeFromShape(shape);
  if (size > 0) {
    const offset = backend.getMemoryOffset(out.dataId) >>> 0;
    const view =
      dtype === 'float32'
        ? new Float32Array(backend.wasm.HEAPU8.buffer, offset, size)
        : new Int32Array(backend.wasm.HEAPU8.buffer, offset, size);
    view.fill(fill);
  }
  return out;
}

/**
 * An accurate wasm `Sum`: large float32 reductions are added as a tree (blocks of at most 256
 * values summed by the stock kernel, then the block sums, and so on), so the float32 error
 * grows like log(n) instead of n. Small or non-float32 reductions use the stock kernel.
 */
export function makeAccurateSumConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const config: Marked = {
    ...stock,
    kernelFunc: (args: KernelArgs) => {
      const backend = asWasmBackend(args.backend, tf.Sum);
      const { x } = args.inputs as { x: tf.TensorInfo };
      const attrs = args.attrs as unknown as ReduceAttrs;
      // Sum of nothing is 0, in the stock kernel's output dtype (int32 for int32 and bool).
      const empty = emptyReduction(
        backend,
        x,
        attrs,
        x.dtype === 'float32' ? 'float32' : 'int32',
        0,
      );
      if (empty != null) return empty;
      const result = accurateSum(backend, stock, x, attrs);
      return result == null ? stock.kernelFunc(args) : result.sum;
    },
    [ACCURATE]: stock,
  };
  return config;
}

/**
 * An accurate wasm `Mean`: the accurate tree sum (see {@link makeAccurateSumConfig}) divided
 * by the true count of values. int32 and bool inputs are cast to float32 first, as the stock
 * kernel does (it then loses precision the same way). Small reductions use the stock kernel.
 */
export function makeAccurateMeanConfig(
  stock: tf.KernelConfig,
  stockSum: tf.KernelConfig,
): tf.KernelConfig {
  const config: Marked = {
    ...stock,
    kernelFunc: (args: KernelArgs) => {
      const backend = asWasmBackend(args.backend, tf.Mean);
      const { x } = args.inputs as { x: tf.TensorInfo };
      const attrs = args.attrs as unknown as ReduceAttrs;
      // Mean of nothing is 0/0 = NaN, as TensorFlow (and the tensorflow backend) give.
      const empty = emptyReduction(backend, x, attrs, 'float32', NaN);
      if (empty != null) return empty;
      const result = accurateSum(backend, stockSum, x, attrs, true);
      if (result == null) return stock.kernelFunc(args);
      const count = backend.makeOutput([], 'float32');
      try {
        heapF32(backend)[f32Offset(backend, count)] = result.count;
        return runWasmKernel(backend, tf.RealDiv, { a: result.sum, b: count });
      } finally {
        release(backend, result.sum, count);
      }
    },
    [ACCURATE]: stock,
  };
  return config;
}

/**
 * Replaces wasm's `Sum` and `Mean` by the accurate ones, keeping the current kernels to
 * delegate to. Returns the names it replaced; kernels already replaced are left alone.
 */
export function replaceInaccurateReductions(): string[] {
  const replaced: string[] = [];
  const stockSum = tf.getKernel(tf.Sum, 'wasm');
  if (stockSum == null) return replaced;
  if (!isAccurateReduction(stockSum)) {
    tf.unregisterKernel(tf.Sum, 'wasm');
    tf.registerKernel(makeAccurateSumConfig(stockSum));
    replaced.push(tf.Sum);
  }
  const stockMean = tf.getKernel(tf.Mean, 'wasm');
  if (stockMean != null && !isAccurateReduction(stockMean)) {
    // The tree must add with the stock Sum, never with the accurate one (it would recurse).
    tf.unregisterKernel(tf.Mean, 'wasm');
    tf.registerKernel(makeAccurateMeanConfig(stockMean, unwrap(stockSum)));
    replaced.push(tf.Mean);
  }
  return replaced;
}
