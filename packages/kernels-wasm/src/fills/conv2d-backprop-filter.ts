import * as tf from '@tensorflow/tfjs-core';
import { type PatchGeometry, splitPhases, writePatchRow } from './im2col.js';
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
import { KernelInputError } from '../errors.js';

/**
 * Most float32 elements one patch matrix may hold (default 64 MiB). Bigger problems are split
 * into groups of filter taps (or channels), each its own matmul, so the scratch memory stays
 * near the size of `x` per tap. Internal (tests lower it to exercise the split).
 */
export const patchBudget = { elements: 16 * 1024 * 1024 };

/** Conv2DBackpropFilter's attributes; `dilations` (TF has it, tfjs 4.22 omits it) is honoured. */
type Attrs = tf.Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] };

function checkShapes(x: tf.TensorInfo, dy: tf.TensorInfo, expectedDy: number[]): void {
  if (x.shape.length !== 4) {
    throw new KernelInputError(
      `Conv2DBackpropFilter: expected x of rank 4, got shape [${x.shape.join(', ')}]. Pass a batch of images.`,
    );
  }
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== expectedDy[i])) {
    throw new KernelInputError(
      `Conv2DBackpropFilter: expected dy of shape [${expectedDy.join(', ')}] (the conv output for x and filterShape), got [${dy.shape.join(', ')}]. Check strides, pad and filterShape.`,
    );
  }
}

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
  if (x.shape.length !== 4) checkShapes(x, dy, []);
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
  checkShapes(x, dy, info.outShape);
  const channelsLast = info.dataFormat === 'channelsLast';
  const { batchSize: N, inChannels: Ci, outChannels: Co, outHeight: Ho, outWidth: Wo } = info;
  const KH = info.filterHeight;
  const KW = info.filterWidth;
  const rows = N * Ho * Wo;
  const taps = KH * KW;

  const temps: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo): tf.TensorInfo => {
    temps.push(t);
    return t;
  };
  try {
    if (rows === 0 || Ci === 0) {
      return zeros(backend, info.filterShape);
    }
    const x32 = asFloat32(backend, x);
    if (x32 !== x) keep(x32);
    const dy32 = asFloat32(backend, dy);
    if (dy32 !== dy) keep(dy32);
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

    const geometry: PatchGeometry = {
      outHeight: Ho,
      outWidth: Wo,
      dilationHeight: info.dilationHeight,
      dilationWidth: info.dilationWidth,
      top: info.padInfo.top,
      left: info.padInfo.left,
    };
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
    const joined =
      parts.length === 1
        ? (parts[0] as tf.TensorInfo)
        : keep(runWasmKernel(backend, tf.Concat, parts, { axis: 1 }));
    return reshape(backend, joined, [KH, KW, Ci, Co]);
  } finally {
    release(backend, ...temps);
  }
}

function zeros(backend: WasmBackendLike, shape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  const size = tf.util.sizeFromShape(shape);
  const offset = f32Offset(backend, out);
  heapF32(backend).fill(0, offset, offset + size);
  return out;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
