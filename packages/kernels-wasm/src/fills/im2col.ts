// Patch building for the filled filter gradients: phase-split inputs and patch rows in wasm memory.
import * as tf from '@tensorflow/tfjs-core';
import { KernelInputError } from '../errors.js';
import { release, reshape, runWasmKernel, type WasmBackendLike } from './wasm-backend.js';

/**
 * The input of a convolution rearranged for patch building: `[sh, sw, C, N, Hs, Ws]`, where
 * element (c, n, h, w) of the original sits in phase plane (h mod sh, w mod sw) at
 * (floor(h/sh), floor(w/sw)). Every filter tap then reads one phase plane with unit stride, so
 * patch rows are contiguous runs whatever the convolution's stride.
 */
export interface PhaseSplitInput {
  data: tf.TensorInfo;
  strideHeight: number;
  strideWidth: number;
  channels: number;
  batch: number;
  /** Rows and columns of one phase plane. */
  height: number;
  width: number;
}

/**
 * From `x` (NHWC, or NCHW when `channelsLast` is false) to the phase-split layout: a PadV2 to a
 * multiple of the stride when needed, a wasm Transpose to [C, N, H, W], and for strides > 1 a
 * second one that splits the phases.
 */
export function splitPhases(
  backend: WasmBackendLike,
  x: tf.TensorInfo,
  channelsLast: boolean,
  strideHeight: number,
  strideWidth: number,
): PhaseSplitInput {
  const [N, d1, d2, d3] = x.shape as [number, number, number, number];
  const [C, H, W] = channelsLast ? [d3, d1, d2] : [d1, d2, d3];
  const height = Math.ceil(H / strideHeight);
  const width = Math.ceil(W / strideWidth);
  const extraH = height * strideHeight - H;
  const extraW = width * strideWidth - W;
  let padded = x;
  if (extraH > 0 || extraW > 0) {
    const paddings = channelsLast
      ? [
          [0, 0],
          [0, extraH],
          [0, extraW],
          [0, 0],
        ]
      : [
          [0, 0],
          [0, 0],
          [0, extraH],
          [0, extraW],
        ];
    padded = runWasmKernel(backend, tf.PadV2, { x }, { paddings, constantValue: 0 });
  }
  const temps: tf.TensorInfo[] = padded === x ? [] : [padded];
  try {
    // [C, N, H', W'] (rank-4 transposes are the wasm backend's fast ones)...
    const planes = runWasmKernel(
      backend,
      tf.Transpose,
      { x: padded },
      { perm: channelsLast ? [3, 0, 1, 2] : [1, 0, 2, 3] },
    );
    let data = planes;
    if (strideHeight > 1 || strideWidth > 1) {
      // ...then [C*N*Hs, sh, Ws, sw] -> [sh, sw, C*N*Hs, Ws].
      temps.push(planes);
      const viewed = reshape(backend, planes, [C * N * height, strideHeight, width, strideWidth]);
      temps.push(viewed);
      data = runWasmKernel(backend, tf.Transpose, { x: viewed }, { perm: [1, 3, 0, 2] });
    }
    return { data, strideHeight, strideWidth, channels: C, batch: N, height, width };
  } finally {
    release(backend, ...temps);
  }
}

/** Output size and window placement of a convolution, for `PatchWriter`. */
export interface PatchGeometry {
  outHeight: number;
  outWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  /** Zero rows/columns conceptually added before the input (negative: cropped). */
  top: number;
  left: number;
}

/** The patch geometry of a conv2d or depthwise conv as tfjs's computeConv2DInfo describes it. */
export function patchGeometry(info: tf.backend_util.Conv2DInfo): PatchGeometry {
  return {
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/**
 * Checks the operands of a filter gradient: `x` of rank 4 and `dy` of `expectedDy` (the conv's
 * output shape for x and the filter shape; null: not computed yet). `conv.settings` names the
 * attributes to check in the message.
 */
export function checkFilterGradShapes(
  kernelName: string,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  expectedDy: number[] | null,
  conv: { name: 'conv' | 'depthwise conv'; settings: string },
): void {
  if (x.shape.length !== 4) {
    throw new KernelInputError(
      `${kernelName}: expected x of rank 4, got shape [${x.shape.join(', ')}]. Pass a batch of images.`,
    );
  }
  if (expectedDy && (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== expectedDy[i]))) {
    throw new KernelInputError(
      `${kernelName}: expected dy of shape [${expectedDy.join(', ')}] (the ${conv.name} output for x and filterShape), got [${dy.shape.join(', ')}]. Check ${conv.settings} and filterShape.`,
    );
  }
}

/** First output index o in [0, outSize) whose input index o + shift is >= 0. */
function firstValid(shift: number, outSize: number): number {
  return Math.min(outSize, Math.max(0, -shift));
}

/** One past the last output index o whose input index o + shift is < inSize. */
function endValid(shift: number, inSize: number, outSize: number): number {
  return Math.max(0, Math.min(outSize, inSize - shift));
}

/**
 * Writes rows of the transposed patch matrix into wasm memory: for filter tap (kh, kw) and
 * channel c, the row x[c, n, ho*sh + kh*dh - top, wo*sw + kw*dw - left] over (n, ho, wo)
 * (batch*outHeight*outWidth elements), zero outside the input. Copies contiguous runs with
 * copyWithin (a memmove); a whole plane at once when rows line up ('same' padding).
 *
 * `heap` must be a view over the whole wasm memory taken after the last allocation.
 */
export function writePatchRow(
  heap: Float32Array,
  input: PhaseSplitInput,
  inputOffset: number,
  g: PatchGeometry,
  dst: number,
  c: number,
  kh: number,
  kw: number,
): void {
  const { batch, height: H, width: W, strideHeight: sh, strideWidth: sw } = input;
  const { outHeight: Ho, outWidth: Wo } = g;
  // Input row of output row ho: ho*sh + kh*dh - top = (ho + shiftH)*sh + phaseH.
  const offH = kh * g.dilationHeight - g.top;
  const offW = kw * g.dilationWidth - g.left;
  const phaseH = ((offH % sh) + sh) % sh;
  const phaseW = ((offW % sw) + sw) % sw;
  const shiftH = (offH - phaseH) / sh;
  const shiftW = (offW - phaseW) / sw;
  const plane = H * W;
  const phasePlanes = inputOffset + (phaseH * sw + phaseW) * input.channels * batch * plane;

  const ho0 = firstValid(shiftH, Ho);
  const ho1 = Math.max(ho0, endValid(shiftH, H, Ho));
  const wo0 = firstValid(shiftW, Wo);
  const wo1 = Math.max(wo0, endValid(shiftW, W, Wo));
  // Consecutive output rows read consecutive input rows: one memmove per plane, then the few
  // padding columns are zeroed.
  const blockCopy = W === Wo && ho1 > ho0 && wo1 > wo0;
  for (let n = 0; n < batch; n++) {
    const srcPlane = phasePlanes + (c * batch + n) * plane;
    const dstPlane = dst + n * Ho * Wo;
    if (ho0 > 0) heap.fill(0, dstPlane, dstPlane + ho0 * Wo);
    const out = dstPlane + ho0 * Wo;
    const outEnd = dstPlane + ho1 * Wo;
    if (blockCopy) {
      const delta = srcPlane + (ho0 + shiftH) * W + shiftW - out;
      // Clip to this plane; what is clipped lies in padding columns, zeroed below.
      const start = Math.max(out, srcPlane - delta);
      const end = Math.min(outEnd, srcPlane + plane - delta);
      heap.copyWithin(start, start + delta, end + delta);
      if (wo0 > 0 || wo1 < Wo) {
        for (let row = out; row < outEnd; row += Wo) {
          for (let wo = 0; wo < wo0; wo++) heap[row + wo] = 0;
          for (let wo = wo1; wo < Wo; wo++) heap[row + wo] = 0;
        }
      }
    } else {
      let inRow = srcPlane + (ho0 + shiftH) * W + shiftW;
      for (let row = out; row < outEnd; row += Wo, inRow += W) {
        if (wo0 > 0) heap.fill(0, row, row + wo0);
        heap.copyWithin(row + wo0, inRow + wo0, inRow + wo1);
        if (wo1 < Wo) heap.fill(0, row + wo1, row + Wo);
      }
    }
    if (ho1 < Ho) heap.fill(0, outEnd, dstPlane + Ho * Wo);
  }
}
