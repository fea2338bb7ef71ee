import * as tf from '@tensorflow/tfjs-core';
import { patchBudget } from './conv2d-backprop-filter.js';
import { type PatchGeometry, splitPhases, writePatchRow } from './im2col.js';
import {
  asFloat32,
  asWasmBackend,
  f32Offset,
  heapF32,
  release,
  reshape,
  runWasmKernel,
} from './wasm-backend.js';
import { KernelInputError } from '../errors.js';

function checkShapes(x: tf.TensorInfo, dy: tf.TensorInfo, expectedDy: number[] | null): void {
  if (x.shape.length !== 4) {
    throw new KernelInputError(
      `DepthwiseConv2dNativeBackpropFilter: expected x of rank 4, got shape [${x.shape.join(', ')}]. Pass a batch of images.`,
    );
  }
  if (expectedDy && (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== expectedDy[i]))) {
    throw new KernelInputError(
      `DepthwiseConv2dNativeBackpropFilter: expected dy of shape [${expectedDy.join(', ')}] (the depthwise conv output for x and filterShape), got [${dy.shape.join(', ')}]. Check strides, pad, dilations and filterShape.`,
    );
  }
}

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
  checkShapes(x, dy, null);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  checkShapes(x, dy, info.outShape);
  const { batchSize: N, inChannels: C, outHeight: Ho, outWidth: Wo } = info;
  const KH = info.filterHeight;
  const KW = info.filterWidth;
  const M = info.outChannels / C;
  const rows = N * Ho * Wo;
  const taps = KH * KW;

  const temps: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo): tf.TensorInfo => {
    temps.push(t);
    return t;
  };
  try {
    if (rows === 0 || C === 0 || M === 0) {
      const out = backend.makeOutput([KH, KW, C, M], 'float32');
      const o = f32Offset(backend, out);
      heapF32(backend).fill(0, o, o + KH * KW * C * M);
      return out;
    }
    const x32 = asFloat32(backend, x);
    if (x32 !== x) keep(x32);
    const dy32 = asFloat32(backend, dy);
    if (dy32 !== dy) keep(dy32);
    const input = splitPhases(backend, x32, true, info.strideHeight, info.strideWidth);
    keep(input.data);
    const dy2 = keep(reshape(backend, dy32, [rows, C * M]));
    const dyT = keep(runWasmKernel(backend, tf.Transpose, { x: dy2 }, { perm: [1, 0] }));

    const geometry: PatchGeometry = {
      outHeight: Ho,
      outWidth: Wo,
      dilationHeight: info.dilationHeight,
      dilationWidth: info.dilationWidth,
      top: info.padInfo.top,
      left: info.padInfo.left,
    };
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
    const joined =
      parts.length === 1
        ? (parts[0] as tf.TensorInfo)
        : keep(runWasmKernel(backend, tf.Concat, parts, { axis: 0 }));
    const swapped = keep(runWasmKernel(backend, tf.Transpose, { x: joined }, { perm: [1, 0, 2] }));
    return reshape(backend, swapped, [KH, KW, C, M]);
  } finally {
    release(backend, ...temps);
  }
}

export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as tf.KernelFunc,
};
