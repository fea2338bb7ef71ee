// The Conv2D kernels (forward, input and filter gradients) on the SIMD GEMM, Winograd for 3x3.
import * as tf from '@tensorflow/tfjs-core';
import { A_IM2COL, A_IM2COL_T, A_STRIDED, type KernelContext } from './module.js';
import { activationCode, leakyAlpha, OPERAND_NONE, operandLayout } from './fused.js';
import { type Exec, openExec } from './exec.js';

type Pad = tf.Conv2DAttrs['pad'];
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

function convInfo(
  xShape: number[],
  filterShape: number[],
  strides: [number, number] | number,
  dilations: [number, number] | number,
  pad: Pad,
  dimRoundingMode: Rounding,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}

/** Largest float count of the column buffer the strided input gradient works through. */
const COL_CHUNK_FLOATS = 1 << 20;

/**
 * Internal switches (tests run both paths): the Winograd path, and how many floats of
 * transformed tiles it holds at once (tiles are processed in chunks of that size).
 */
export const convOptions = { winograd: true, winogradChunkFloats: 1 << 21 };

/**
 * Whether a 3x3, stride-1, undilated convolution from `ic` to `oc` channels takes the
 * Winograd F(2x2, 3x3) path: channels in whole vectors and enough of them that the transforms
 * cost little next to the products.
 */
function useWinograd(fh: number, fw: number, ic: number, oc: number): boolean {
  return (
    convOptions.winograd &&
    fh === 3 &&
    fw === 3 &&
    ic % 4 === 0 &&
    oc % 4 === 0 &&
    ic >= 16 &&
    oc >= 16
  );
}

interface WinogradPlan {
  tiles: number;
  chunk: number;
  bytes: number;
  gemmFlops: number;
}

function winogradPlan(batch: number, oh: number, ow: number, ic: number, oc: number): WinogradPlan {
  const tiles = batch * Math.ceil(oh / 2) * Math.ceil(ow / 2);
  const chunk = Math.max(
    4,
    Math.min(tiles, Math.floor(convOptions.winogradChunkFloats / (16 * (ic + oc)) / 4) * 4),
  );
  return {
    tiles,
    chunk,
    bytes: (16 * ic * oc + 16 * chunk * (ic + oc)) * 4 + 256,
    gemmFlops: 2 * Math.min(chunk, tiles) * ic * oc,
  };
}

/**
 * y = conv(x, w) for the geometry already set with setConv (3x3, stride 1), by Winograd:
 * u = transformed filter w[3][3][ic][oc]; per chunk of tiles, transform the input, 16 GEMMs,
 * transform back into y.
 */
function winogradConv(
  exec: Exec,
  plan: WinogradPlan,
  w: number,
  ic: number,
  oc: number,
  y: number,
): void {
  const { k } = exec;
  const u = exec.alloc(16 * ic * oc * 4);
  const v = exec.alloc(16 * plan.chunk * ic * 4);
  const m = exec.alloc(16 * plan.chunk * oc * 4);
  k.winogradFilter(w, u, ic, oc);
  for (let t0 = 0; t0 < plan.tiles; t0 += plan.chunk) {
    const n = Math.min(plan.chunk, plan.tiles - t0);
    k.winogradInput(v, t0, n);
    for (let e = 0; e < 16; e++) {
      k.gemm(
        0,
        n,
        oc,
        ic,
        A_STRIDED,
        v + e * n * ic * 4,
        ic,
        1,
        u + e * ic * oc * 4,
        oc,
        1,
        m + e * n * oc * 4,
        oc,
        0,
      );
    }
    k.winogradOutput(m, t0, n, y, oc);
  }
}

/**
 * dW for the geometry already set with setConv (x, 3x3, stride 1): the F(2x2, 3x3) algorithm
 * read backwards. Per chunk of output tiles, transform x's 4x4 patches (v) and dy's 2x2 tiles
 * (w), accumulate 16 GEMMs m[e] += v[e]^T w[e], then dW = G^T m G.
 */
function winogradFilterGrad(
  exec: Exec,
  plan: WinogradPlan,
  dy: number,
  ic: number,
  oc: number,
  dw: number,
): void {
  const { k } = exec;
  const m = exec.alloc(16 * ic * oc * 4);
  const v = exec.alloc(16 * plan.chunk * ic * 4);
  const w = exec.alloc(16 * plan.chunk * oc * 4);
  for (let t0 = 0; t0 < plan.tiles; t0 += plan.chunk) {
    const n = Math.min(plan.chunk, plan.tiles - t0);
    k.winogradInput(v, t0, n);
    k.winogradDy(w, dy, t0, n, oc);
    const accumulate = t0 > 0 ? 1 : 0;
    for (let e = 0; e < 16; e++) {
      // m[e] (ic x oc) (+)= v[e]^T (ic x n, v stored n x ic) * w[e] (n x oc).
      k.gemm(
        0,
        ic,
        oc,
        n,
        A_STRIDED,
        v + e * n * ic * 4,
        1,
        ic,
        w + e * n * oc * 4,
        oc,
        1,
        m + e * ic * oc * 4,
        oc,
        accumulate,
      );
    }
  }
  k.winogradFilterGrad(m, dw, ic, oc);
}

const sizeOf = (t: tf.TensorInfo | undefined): number => (t ? tf.util.sizeFromShape(t.shape) : 0);

/** y = conv(x, w) [+ bias, activation], NHWC. Undefined when not handled here. */
export function conv2d(
  ctx: KernelContext,
  inputs: {
    x: tf.TensorInfo;
    filter: tf.TensorInfo;
    bias?: tf.TensorInfo | undefined;
    preluActivationWeights?: tf.TensorInfo | undefined;
  },
  attrs: tf.Conv2DAttrs & { activation?: string; leakyreluAlpha?: number },
): tf.TensorInfo | undefined {
  const { x, filter, bias, preluActivationWeights: prelu } = inputs;
  if (attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || filter.dtype !== 'float32') {
    return undefined;
  }
  if (x.shape.length !== 4 || filter.shape.length !== 4) return undefined;
  const info = convInfo(
    x.shape,
    filter.shape,
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const act = activationCode(attrs.activation);
  if (act === undefined) return undefined;
  const outShape = info.outShape as number[];
  const total = outShape.reduce((a, b) => a * b, 1);
  const biasLayout = bias ? operandLayout(bias.shape, outShape, total) : undefined;
  const preluLayout = prelu ? operandLayout(prelu.shape, outShape, total) : undefined;
  if ((bias && !biasLayout) || (prelu && !preluLayout)) return undefined;
  if ((bias && bias.dtype !== 'float32') || (prelu && prelu.dtype !== 'float32')) return undefined;

  const out = ctx.backend.makeOutput(outShape, 'float32');
  if (total === 0) return out;
  const M = info.batchSize * info.outHeight * info.outWidth;
  const N = info.outChannels;
  const K = info.filterHeight * info.filterWidth * info.inChannels;
  const winograd =
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    useWinograd(info.filterHeight, info.filterWidth, info.inChannels, N);
  const plan = winograd
    ? winogradPlan(info.batchSize, info.outHeight, info.outWidth, info.inChannels, N)
    : undefined;
  const bytes =
    (sizeOf(x) + sizeOf(filter) + total + sizeOf(bias) + sizeOf(prelu)) * 4 +
    (plan?.bytes ?? 0) +
    1024;
  const exec = openExec(ctx, plan?.gemmFlops ?? 2 * M * N * K, bytes);
  try {
    const { k } = exec;
    const xPtr = exec.input(x);
    const wPtr = exec.input(filter);
    const biasPtr = bias ? exec.input(bias) : 0;
    const preluPtr = prelu ? exec.input(prelu) : 0;
    const yPtr = exec.output(out);
    const pointwise =
      info.filterHeight === 1 &&
      info.filterWidth === 1 &&
      info.strideHeight === 1 &&
      info.strideWidth === 1 &&
      info.padInfo.top === 0 &&
      info.padInfo.left === 0 &&
      info.outHeight === info.inHeight &&
      info.outWidth === info.inWidth;
    if (pointwise) {
      k.gemm(0, M, N, K, A_STRIDED, xPtr, K, 1, wPtr, N, 1, yPtr, N, 0);
    } else {
      k.setConv(
        xPtr,
        info.inHeight,
        info.inWidth,
        info.inChannels,
        info.outHeight,
        info.outWidth,
        info.filterHeight,
        info.filterWidth,
        info.strideHeight,
        info.strideWidth,
        info.dilationHeight,
        info.dilationWidth,
        info.padInfo.top,
        info.padInfo.left,
      );
      if (plan) winogradConv(exec, plan, wPtr, info.inChannels, N, yPtr);
      else k.gemm(0, M, N, K, A_IM2COL, 0, 0, 0, wPtr, N, 1, yPtr, N, 0);
    }
    if (act !== 0 || bias) {
      k.epilogue(
        yPtr,
        M,
        N,
        N,
        biasPtr,
        biasLayout?.mode ?? OPERAND_NONE,
        act,
        leakyAlpha(attrs),
        preluPtr,
        preluLayout?.mode ?? OPERAND_NONE,
      );
    }
  } finally {
    exec.finish();
  }
  return out;
}

/** dx of conv2d given dy and the filter. Undefined when not handled here. */
export function conv2dBackpropInput(
  ctx: KernelContext,
  inputs: { dy: tf.TensorInfo; filter: tf.TensorInfo },
  attrs: tf.Conv2DBackpropInputAttrs,
): tf.TensorInfo | undefined {
  const { dy, filter } = inputs;
  if (attrs.dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return undefined;
  }
  if (dy.shape.length !== 4 || filter.shape.length !== 4) return undefined;
  const info = convInfo(
    attrs.inputShape,
    filter.shape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const dx = ctx.backend.makeOutput([...attrs.inputShape], 'float32');
  const total = attrs.inputShape.reduce((a, b) => a * b, 1);
  if (total === 0) return dx;
  const fh = info.filterHeight;
  const fw = info.filterWidth;
  const ci = info.inChannels;
  const co = info.outChannels;
  const taps = fh * fw;
  const inputBytes = (sizeOf(dy) + sizeOf(filter) + total) * 4 + 1024;
  if (info.strideHeight === 1 && info.strideWidth === 1) {
    // A stride-1 input gradient is a convolution of dy with the flipped, transposed filter.
    const M = info.batchSize * info.inHeight * info.inWidth;
    const plan = useWinograd(fh, fw, co, ci)
      ? winogradPlan(info.batchSize, info.inHeight, info.inWidth, co, ci)
      : undefined;
    const exec = openExec(
      ctx,
      plan?.gemmFlops ?? 2 * M * ci * taps * co,
      inputBytes + taps * ci * co * 4 + (plan?.bytes ?? 0),
    );
    try {
      const { k } = exec;
      const dyPtr = exec.input(dy);
      const wPtr = exec.input(filter);
      const dxPtr = exec.output(dx);
      const flipped = exec.alloc(taps * ci * co * 4);
      k.flipFilter(wPtr, flipped, fh, fw, ci, co);
      k.setConv(
        dyPtr,
        info.outHeight,
        info.outWidth,
        co,
        info.inHeight,
        info.inWidth,
        fh,
        fw,
        1,
        1,
        1,
        1,
        fh - 1 - info.padInfo.top,
        fw - 1 - info.padInfo.left,
      );
      if (plan) winogradConv(exec, plan, flipped, co, ci, dxPtr);
      else k.gemm(0, M, ci, taps * co, A_IM2COL, 0, 0, 0, flipped, ci, 1, dxPtr, ci, 0);
    } finally {
      exec.finish();
    }
    return dx;
  }
  // Strided: columns = dy * W^T, chunk by chunk of output pixels, scattered back (col2im).
  const M = info.batchSize * info.outHeight * info.outWidth;
  const width = taps * ci;
  const rows = Math.max(4, Math.min(M, Math.floor(COL_CHUNK_FLOATS / Math.max(1, width) / 4) * 4));
  const exec = openExec(ctx, 2 * rows * width * co, inputBytes + rows * width * 4);
  try {
    const { k } = exec;
    const dyPtr = exec.input(dy);
    const wPtr = exec.input(filter);
    const dxPtr = exec.output(dx);
    exec.zero(dxPtr, total * 4);
    if (M === 0 || width === 0) return dx;
    const cols = exec.alloc(rows * width * 4);
    k.setConv(
      0,
      info.inHeight,
      info.inWidth,
      ci,
      info.outHeight,
      info.outWidth,
      fh,
      fw,
      info.strideHeight,
      info.strideWidth,
      1,
      1,
      info.padInfo.top,
      info.padInfo.left,
    );
    for (let m0 = 0; m0 < M; m0 += rows) {
      const r = Math.min(rows, M - m0);
      // B = W^T: element (co, tap*ci + c) of W^T is W[tap, c, co] = w[(tap*ci + c)*co + co].
      k.gemm(0, r, width, co, A_STRIDED, dyPtr + m0 * co * 4, co, 1, wPtr, 1, co, cols, width, 0);
      k.col2im(cols, m0, r, dxPtr);
    }
  } finally {
    exec.finish();
  }
  return dx;
}

/** dW of conv2d given x and dy. Undefined when not handled here. */
export function conv2dBackpropFilter(
  ctx: KernelContext,
  inputs: { x: tf.TensorInfo; dy: tf.TensorInfo },
  attrs: tf.Conv2DBackpropFilterAttrs,
): tf.TensorInfo | undefined {
  const { x, dy } = inputs;
  if (attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32') {
    return undefined;
  }
  if (x.shape.length !== 4 || dy.shape.length !== 4) return undefined;
  const info = convInfo(
    x.shape,
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const dw = ctx.backend.makeOutput([...attrs.filterShape], 'float32');
  const M = info.filterHeight * info.filterWidth * info.inChannels;
  const N = info.outChannels;
  const K = info.batchSize * info.outHeight * info.outWidth;
  if (M === 0 || N === 0) return dw;
  const plan =
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    K > 0 &&
    useWinograd(info.filterHeight, info.filterWidth, info.inChannels, N)
      ? winogradPlan(info.batchSize, info.outHeight, info.outWidth, info.inChannels, N)
      : undefined;
  const exec = openExec(
    ctx,
    plan?.gemmFlops ?? 2 * M * N * K,
    (sizeOf(x) + sizeOf(dy) + M * N) * 4 + (plan?.bytes ?? 0) + 1024,
  );
  try {
    const { k } = exec;
    const xPtr = exec.input(x);
    const dyPtr = exec.input(dy);
    const dwPtr = exec.output(dw);
    const pointwise =
      info.filterHeight === 1 &&
      info.filterWidth === 1 &&
      info.strideHeight === 1 &&
      info.strideWidth === 1 &&
      info.padInfo.top === 0 &&
      info.padInfo.left === 0 &&
      info.outHeight === info.inHeight &&
      info.outWidth === info.inWidth;
    if (pointwise) {
      // dW = x^T * dy with x viewed as [pixels, ci].
      k.gemm(0, M, N, K, A_STRIDED, xPtr, 1, M, dyPtr, N, 1, dwPtr, N, 0);
    } else {
      k.setConv(
        xPtr,
        info.inHeight,
        info.inWidth,
        info.inChannels,
        info.outHeight,
        info.outWidth,
        info.filterHeight,
        info.filterWidth,
        info.strideHeight,
        info.strideWidth,
        1,
        1,
        info.padInfo.top,
        info.padInfo.left,
      );
      if (plan) winogradFilterGrad(exec, plan, dyPtr, info.inChannels, N, dwPtr);
      else k.gemm(0, M, N, K, A_IM2COL_T, 0, 0, 0, dyPtr, N, 1, dwPtr, N, 0);
    }
  } finally {
    exec.finish();
  }
  return dw;
}
