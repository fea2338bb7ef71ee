// Conv2DBackpropFilter for tfjs-backend-wasm (which has none): im2col into wasm memory + BatchMatMul.
import * as tf from '@tensorflow/tfjs-core';
import { checkFilterGradShapes, patchGeometry, splitPhases, writePatchRow } from './im2col.js';
import {
  asWasmBackend,
  concatParts,
  f32Offset,
  heapF32,
  keptFloat32,
  release,
  reshape,
  runWasmKernel,
  withTemps,
  zeros,
} from './wasm-backend.js';

/**
 * Most float32 elements one patch matrix may hold (default 64 MiB). Bigger problems are split
 * into groups of filter taps (or channels), each its own matmul, so the scratch memory stays
 * near the size of `x` per tap. Internal (tests lower it to exercise the split).
 */
export const patchBudget = { elements: 16 * 1024 * 1024 };

/** Conv2DBackpropFilter's attributes; `dilations` (TF has it, tfjs 4.22 omits it) is honoured. */
type Attrs = tf.Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] };

/**
 * Filter gradient of conv2d on tfjs-backend-wasm: dW[kh,kw,ci,co] = sum over (n,ho,wo) of
 * x[n, ho*s+kh*d-top, wo*s+kw*d-left, ci] * dy[n,ho,wo,co].
 *
 * x is transposed once (wasm Transpose) to channel-major planes split by stride phase; the
 * transposed patch matrix [taps*Ci, N*Ho*Wo] is written straight into wasm memory (memmoves of
 * contiguous runs, zero padding); one wasm BatchMatMul (XNNPACK) per tap group multiplies it by
 * dy viewed as [N*Ho*Wo, Co].
 */
export function conv2dBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = asWasmBackend(args.backend, tf.Conv2DBackpropFilter);
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as Attrs;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC');
  const shapes = { name: 'conv', settings: 'strides, pad' } as const;
  checkFilterGradShapes(tf.Conv2DBackpropFilter, x, dy, null, shapes);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
  checkFilterGradShapes(tf.Conv2DBackpropFilter, x, dy, info.outShape, shapes);
  const channelsLast = info.dataFormat === 'channelsLast';
  const { batchSize: N, inChannels: Ci, outChannels: Co, outHeight: Ho, outWidth: Wo } = info;
  const KH = info.filterHeight;
  const KW = info.filterWidth;
  const rows = N * Ho * Wo;
  const taps = KH * KW;

  if (rows === 0 || Ci === 0) return zeros(backend, info.filterShape);
  return withTemps(backend, (keep) => {
    const x32 = keptFloat32(backend, x, keep);
    const dy32 = keptFloat32(backend, dy, keep);
    // x split by stride phase, [sh, sw, Ci, N, H/sh, W/sw]: every tap reads contiguous runs.
    const input = splitPhases(backend, x32, channelsLast, info.strideHeight, info.strideWidth);
    keep(input.data);
    // dy as [1, N*Ho*Wo, Co]: the matmul's right-hand side. Always a tensor of our own: the
    // wasm BatchMatMul caches its packed right-hand side by tensor id (not shape) until that
    // tensor is freed, so dy itself must not become a cache key that outlives this call.
    let b: tf.TensorInfo;
    if (channelsLast) {
      b = keep(backend.makeOutput([1, rows, Co], 'float32'));
      const from = f32Offset(backend, dy32);
      heapF32(backend).copyWithin(f32Offset(backend, b), from, from + rows * Co);
    } else {
      const dyNhwc = keep(
        runWasmKernel(backend, tf.Transpose, { x: dy32 }, { perm: [0, 2, 3, 1] }),
      );
      b = keep(reshape(backend, dyNhwc, [1, rows, Co]));
    }

    const geometry = patchGeometry(info);
    const tapsPerGroup = Math.max(
      1,
      Math.min(taps, Math.floor(patchBudget.elements / (Ci * rows))),
    );
    const parts: tf.TensorInfo[] = [];
    for (let t0 = 0; t0 < taps; t0 += tapsPerGroup) {
      const t1 = Math.min(taps, t0 + tapsPerGroup);
      const patches = backend.makeOutput([1, (t1 - t0) * Ci, rows], 'float32');
      try {
        const heap = heapF32(backend); // after the allocation: memory may have grown
        const src = f32Offset(backend, input.data);
        const dst = f32Offset(backend, patches);
        for (let t = t0; t < t1; t++) {
          const kh = Math.floor(t / KW);
          const kw = t % KW;
          for (let c = 0; c < Ci; c++) {
            writePatchRow(heap, input, src, geometry, dst + ((t - t0) * Ci + c) * rows, c, kh, kw);
          }
        }
        const part = runWasmKernel(
          backend,
          tf.BatchMatMul,
          { a: patches, b },
          { transposeA: false, transposeB: false },
        );
        parts.push(keep(part));
      } finally {
        release(backend, patches);
      }
    }
    return reshape(backend, concatParts(backend, parts, 1, keep), [KH, KW, Ci, Co]);
  });
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
