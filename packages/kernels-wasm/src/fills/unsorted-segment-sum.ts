// UnsortedSegmentSum for tfjs-backend-wasm (the gradient of tf.gather) through its ScatterNd.
import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend, release, reshape, runWasmKernel } from './wasm-backend.js';
import { KernelInputError } from '../errors.js';

/**
 * UnsortedSegmentSum on tfjs-backend-wasm (needed by the gradient of tf.gather, i.e. embedding
 * training): out[s, ...] = sum of x[i, ...] over the i with segmentIds[i] == s. One wasm
 * ScatterNd, which accumulates duplicate indices; ids outside [0, numSegments) are dropped, as
 * on the cpu backend.
 */
export function unsortedSegmentSum(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = asWasmBackend(args.backend, tf.UnsortedSegmentSum);
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const idRank = segmentIds.shape.length;
  if (idRank > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new KernelInputError(
      `UnsortedSegmentSum: expected segmentIds' shape to be a prefix of x's shape [${x.shape.join(', ')}], got [${segmentIds.shape.join(', ')}]. Pass one id per leading slice of x.`,
    );
  }
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new KernelInputError(
      `UnsortedSegmentSum: expected numSegments to be a non-negative integer, got ${numSegments}. Pass the number of segments.`,
    );
  }
  const inner = x.shape.slice(idRank);
  const innerSize = tf.util.sizeFromShape(inner);
  const count = tf.util.sizeFromShape(segmentIds.shape);
  const temps: tf.TensorInfo[] = [];
  try {
    // wasm's ScatterNd does not bounds-check: ids outside [0, numSegments) are sent to one
    // extra scratch segment (numSegments), cut off below.
    const ids = backend.makeOutput([count, 1], 'int32');
    temps.push(ids);
    let source = segmentIds;
    if (source.dtype !== 'int32') {
      source = runWasmKernel(backend, tf.Cast, { x: source }, { dtype: 'int32' });
      temps.push(source);
    }
    const heap = new Int32Array(backend.wasm.HEAPU8.buffer);
    const from = (backend.getMemoryOffset(source.dataId) >>> 0) / 4;
    const to = (backend.getMemoryOffset(ids.dataId) >>> 0) / 4;
    let outside = false;
    for (let i = 0; i < count; i++) {
      const id = heap[from + i] as number;
      const valid = id >= 0 && id < numSegments;
      heap[to + i] = valid ? id : numSegments;
      if (!valid) outside = true;
    }
    const updates = reshape(backend, x, [count, ...inner]);
    temps.push(updates);
    const segments = outside ? numSegments + 1 : numSegments;
    const summed = runWasmKernel(
      backend,
      tf.ScatterNd,
      { indices: ids, updates },
      { shape: [segments, ...inner] },
    );
    if (!outside) return summed;
    temps.push(summed);
    const out = backend.makeOutput([numSegments, ...inner], x.dtype);
    const bytes = tf.util.bytesPerElement(x.dtype) * numSegments * innerSize;
    const start = backend.getMemoryOffset(summed.dataId) >>> 0;
    backend.wasm.HEAPU8.copyWithin(backend.getMemoryOffset(out.dataId) >>> 0, start, start + bytes);
    return out;
  } finally {
    release(backend, ...temps);
  }
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};
