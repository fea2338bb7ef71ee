// DepthwiseConv2dNativeBackpropInput for tfjs-backend-wasm: the transposed depthwise convolution.
import * as tf from '@tensorflow/tfjs-core';
import {
  asWasmBackend,
  f32Offset,
  heapF32,
  keptFloat32,
  reshape,
  runWasmKernel,
  withTemps,
  zeros,
} from './wasm-backend.js';
import { KernelInputError } from '../errors.js';

function fail(what: string, got: string, fix: string): never {
  throw new KernelInputError(
    `DepthwiseConv2dNativeBackpropInput: expected ${what}, got ${got}. ${fix}.`,
  );
}

/**
 * Input gradient of depthwiseConv2d on tfjs-backend-wasm, as the transposed convolution:
 * dy is spread onto a zero grid (stride s: s-1 zeros between pixels) with (K-1)*d - pad zeros
 * around it, in wasm memory; wasm's own DepthwiseConv2dNative (XNNPACK) then runs it with the
 * spatially flipped filter, stride 1, the forward dilation; channel multipliers > 1 are summed
 * with wasm's Sum.
 */
export function depthwiseConv2dNativeBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = asWasmBackend(args.backend, tf.DepthwiseConv2dNativeBackpropInput);
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const inputShape = attrs.inputShape;
  if (inputShape?.length !== 4) {
    fail(
      'inputShape of length 4',
      `[${inputShape?.join(', ')}]`,
      'Pass [batch, height, width, channels]',
    );
  }
  if (filter.shape.length !== 4) {
    fail(
      'a filter of rank 4',
      `shape [${filter.shape.join(', ')}]`,
      'Pass [height, width, channels, multiplier]',
    );
  }
  if (filter.shape[2] !== inputShape[3]) {
    fail(
      `filter.shape[2] to equal the input channels ${inputShape[3]}`,
      `${filter.shape[2]}`,
      'Check inputShape and the filter',
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== info.outShape[i])) {
    fail(
      `dy of shape [${info.outShape.join(', ')}] (the depthwise conv output for inputShape and filter)`,
      `[${dy.shape.join(', ')}]`,
      'Check strides, pad and dilations',
    );
  }
  const {
    batchSize: N,
    inHeight: H,
    inWidth: W,
    inChannels: C,
    outHeight: Ho,
    outWidth: Wo,
  } = info;
  const KH = info.filterHeight;
  const KW = info.filterWidth;
  const CM = info.outChannels;
  const M = CM / C;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  // Zero rows/columns before dy's first pixel in the spread grid, and the grid's size.
  const padH = (KH - 1) * info.dilationHeight - info.padInfo.top;
  const padW = (KW - 1) * info.dilationWidth - info.padInfo.left;
  const gridH = H + (KH - 1) * info.dilationHeight;
  const gridW = W + (KW - 1) * info.dilationWidth;

  if (tf.util.sizeFromShape(inputShape) === 0 || CM === 0) return zeros(backend, [...inputShape]);
  return withTemps(backend, (keep) => {
    const dy32 = keptFloat32(backend, dy, keep);
    const filter32 = keptFloat32(backend, filter, keep);

    const grid = keep(backend.makeOutput([N, gridH, gridW, CM], 'float32'));
    const heap = heapF32(backend); // after the allocation: memory may have grown
    const g = f32Offset(backend, grid);
    const d = f32Offset(backend, dy32);
    heap.fill(0, g, g + N * gridH * gridW * CM);
    // Columns of dy that land inside the grid: 0 <= wo*sw + padW < gridW.
    const wo0 = padW >= 0 ? 0 : Math.ceil(-padW / sw);
    const wo1 = Math.min(Wo, Math.floor((gridW - 1 - padW) / sw) + 1);
    for (let n = 0; n < N; n++) {
      for (let ho = 0; ho < Ho; ho++) {
        const a = ho * sh + padH;
        if (a < 0 || a >= gridH) continue;
        const dyRow = d + (n * Ho + ho) * Wo * CM;
        const gridRow = g + ((n * gridH + a) * gridW + padW) * CM;
        if (sw === 1) {
          heap.copyWithin(gridRow + wo0 * CM, dyRow + wo0 * CM, dyRow + wo1 * CM);
        } else {
          for (let wo = wo0; wo < wo1; wo++) {
            const from = dyRow + wo * CM;
            heap.copyWithin(gridRow + wo * sw * CM, from, from + CM);
          }
        }
      }
    }

    const flipped = keep(runWasmKernel(backend, tf.Reverse, { x: filter32 }, { dims: [0, 1] }));
    const depthwiseFilter = keep(reshape(backend, flipped, [KH, KW, CM, 1]));
    const spread = runWasmKernel(
      backend,
      tf.DepthwiseConv2dNative,
      { x: grid, filter: depthwiseFilter },
      {
        strides: [1, 1],
        pad: 'valid',
        dilations: [info.dilationHeight, info.dilationWidth],
        dataFormat: 'NHWC',
      },
    );
    if (M === 1) return spread;
    keep(spread);
    const split = keep(reshape(backend, spread, [N, H, W, C, M]));
    return runWasmKernel(backend, tf.Sum, { x: split }, { axis: [4], keepDims: false });
  });
}

export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as tf.KernelFunc,
};
