// DepthwiseConv2dNativeBackpropFilter for tfjs-backend-wasm: per-channel patches + batched BatchMatMul.
import * as tf from '@tensorflow/tfjs-core';
import { patchBudget } from './conv2d-backprop-filter.js';
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
 * Filter gradient of depthwiseConv2d on tfjs-backend-wasm:
 * dW[kh,kw,c,m] = sum over (n,ho,wo) of x[n, ho*s+kh*d-top, wo*s+kw*d-left, c] * dy[n,ho,wo,c*M+m].
 *
 * Per channel this is a [taps, N*Ho*Wo] x [N*Ho*Wo, M] product: the patches are written into
 * wasm memory as [C, taps, N*Ho*Wo] (from x transposed once to channel-major planes), dy is transposed
 * once to [C, M, N*Ho*Wo], and one batched wasm BatchMatMul (batch = channels) per channel group
 * does the multiply-and-reduce.
 */
export function depthwiseConv2dNativeBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = asWasmBackend(args.backend, tf.DepthwiseConv2dNativeBackpropFilter);
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const shapes = { name: 'depthwise conv', settings: 'strides, pad, dilations' } as const;
  checkFilterGradShapes(tf.DepthwiseConv2dNativeBackpropFilter, x, dy, null, shapes);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  checkFilterGradShapes(tf.DepthwiseConv2dNativeBackpropFilter, x, dy, info.outShape, shapes);
  const { batchSize: N, inChannels: C, outHeight: Ho, outWidth: Wo } = info;
  const KH = info.filterHeight;
  const KW = info.filterWidth;
  const M = info.outChannels / C;
  const rows = N * Ho * Wo;
  const taps = KH * KW;

  if (rows === 0 || C === 0 || M === 0) return zeros(backend, [KH, KW, C, M]);
  return withTemps(backend, (keep) => {
    const x32 = keptFloat32(backend, x, keep);
    const dy32 = keptFloat32(backend, dy, keep);
    const input = splitPhases(backend, x32, true, info.strideHeight, info.strideWidth);
    keep(input.data);
    const dy2 = keep(reshape(backend, dy32, [rows, C * M]));
    const dyT = keep(runWasmKernel(backend, tf.Transpose, { x: dy2 }, { perm: [1, 0] }));

    const geometry = patchGeometry(info);
    const perGroup = Math.max(1, Math.min(C, Math.floor(patchBudget.elements / (taps * rows))));
    const parts: tf.TensorInfo[] = [];
    for (let c0 = 0; c0 < C; c0 += perGroup) {
      const c1 = Math.min(C, c0 + perGroup);
      const g = c1 - c0;
      const patches = backend.makeOutput([g, taps, rows], 'float32');
      // dy rows of this channel group, [g, M, rows]: a contiguous block of dyT.
      const b =
        g === C ? reshape(backend, dyT, [C, M, rows]) : backend.makeOutput([g, M, rows], 'float32');
      try {
        const heap = heapF32(backend); // after the allocations: memory may have grown
        if (g !== C) {
          const from = f32Offset(backend, dyT) + c0 * M * rows;
          heap.copyWithin(f32Offset(backend, b), from, from + g * M * rows);
        }
        const src = f32Offset(backend, input.data);
        const dst = f32Offset(backend, patches);
        for (let c = c0; c < c1; c++) {
          for (let t = 0; t < taps; t++) {
            const row = dst + ((c - c0) * taps + t) * rows;
            writePatchRow(heap, input, src, geometry, row, c, Math.floor(t / KW), t % KW);
          }
        }
        const part = runWasmKernel(
          backend,
          tf.BatchMatMul,
          { a: patches, b },
          { transposeA: false, transposeB: true },
        );
        parts.push(keep(part));
      } finally {
        release(backend, patches, b);
      }
    }
    // [C, taps, M] -> [taps, C, M]
    const joined = concatParts(backend, parts, 0, keep);
    const swapped = keep(runWasmKernel(backend, tf.Transpose, { x: joined }, { perm: [1, 0, 2] }));
    return reshape(backend, swapped, [KH, KW, C, M]);
  });
}

export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as tf.KernelFunc,
};
