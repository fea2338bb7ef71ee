// Gradients of pooling kernels (max and average, 2D and 3D), with corrections to tfjs's backprops.
import * as tf from '@tensorflow/tfjs-core';
import {
  attrsAs,
  runKernel,
  savedAt,
  several,
  single,
  withRounding,
  type GradMap,
} from './util.js';

// Two corrections to tfjs's pooling backprop kernels, both checked against finite differences:
//
// 1. AvgPool with padding: the forward pass divides each window by the number of taps inside
//    the input (padding excluded, as TF does), but AvgPoolGrad / AvgPool3DGrad (cpu and wasm;
//    not TensorFlow's own, used by the tensorflow backend)
//    divide by the full window size. So dy is first divided by each window's real tap count and
//    multiplied by the full size: dx = AvgPoolGrad(dy * size / count).
// 2. MaxPool on wasm: tfjs-backend-wasm 4.22's MaxPoolGrad / MaxPool3DGrad start their running
//    maximum at FLT_MIN (the smallest positive float), so in a window whose values are all <= 0
//    the gradient goes to the first tap instead of the maximum. Shifting input and output by the
//    same constant so that every value is >= 1 keeps the argmax and avoids it.

/** Per output position along one axis, how many taps of the window fall inside the input. */
function tapsInside(
  inSize: number,
  outSize: number,
  filter: number,
  stride: number,
  padBefore: number,
  dilation: number,
): number[] {
  return Array.from({ length: outSize }, (_, o) => {
    let count = 0;
    for (let k = 0; k < filter; k++) {
      const i = o * stride - padBefore + k * dilation;
      if (i >= 0 && i < inSize) count++;
    }
    return count;
  });
}

/**
 * The factor (window size / taps inside the input) per output position, shaped to broadcast
 * over dy; null when every window lies fully inside the input (no correction needed).
 */
function paddingCorrection(axes: number[][], windowSize: number): tf.Tensor | null {
  // TensorFlow's own AvgPoolGrad / AvgPool3DGrad (tfjs-node) already divide by the taps inside.
  if (tf.getBackend() === 'tensorflow') return null;
  let counts = [1];
  for (const axis of axes) counts = counts.flatMap((c) => axis.map((a) => c * a));
  if (counts.every((c) => c === windowSize)) return null;
  const factors = counts.map((c) => (c === 0 ? 0 : windowSize / c));
  return tf.tensor(factors, [1, ...axes.map((axis) => axis.length), 1], 'float32');
}

/** The MaxPool grad kernels' inputs, shifted to >= 1 on wasm (see note 2 above). */
function maxPoolOperands(x: tf.Tensor, y: tf.Tensor): { input: tf.Tensor; output: tf.Tensor } {
  if (tf.getBackend() !== 'wasm') return { input: x, output: y };
  const shift = tf.sub(1, tf.min(x));
  return { input: tf.add(x, shift), output: tf.add(y, shift) };
}

/** One spatial axis of a pooling window: input size, output size, window, stride, padding before. */
type PoolAxis = [number, number, number, number, number];

/** dx of an average pool through its grad kernel, dy first corrected for padded windows. */
function avgPoolBackprop(
  gradKernel: string,
  dy: tf.Tensor,
  x: tf.Tensor,
  axes: PoolAxis[],
  attrs: tf.NamedAttrMap,
): tf.Tensor {
  const counts = axes.map(([size, out, window, stride, before]) =>
    tapsInside(size, out, window, stride, before, 1),
  );
  const windowSize = axes.reduce((product, [, , window]) => product * window, 1);
  const correction = paddingCorrection(counts, windowSize);
  const scaled = correction == null ? dy : tf.mul(dy, correction);
  return runKernel(gradKernel, { dy: scaled, input: x }, attrs);
}

/** dx of a max pool through its grad kernel: dy goes to each window's maximum. */
function maxPoolBackprop(
  gradKernel: string,
  dy: tf.Tensor,
  x: tf.Tensor,
  y: tf.Tensor,
  attrs: tf.NamedAttrMap,
): tf.Tensor {
  const { input, output } = maxPoolOperands(x, y);
  return runKernel(gradKernel, { dy, input, output }, attrs);
}

/** The gradient config of MaxPool or MaxPool3D (`gradKernel`: MaxPoolGrad, MaxPool3DGrad). */
function maxPoolGradient(kernelName: string, gradKernel: string): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, kernelName);
      const x = savedAt(saved, 0, kernelName);
      const y = savedAt(saved, 1, kernelName);
      const { filterSize, strides, pad, dimRoundingMode } = attrsAs<
        tf.MaxPoolAttrs | tf.MaxPool3DAttrs
      >(attrs);
      const poolAttrs = withRounding({ filterSize, strides, pad }, dimRoundingMode);
      return { x: () => maxPoolBackprop(gradKernel, g, x, y, poolAttrs) };
    },
  };
}

/** Gradient configs of pooling kernels (MaxPool, AvgPool and their 3D forms). */
export const poolGradients: tf.GradConfig[] = [
  maxPoolGradient(tf.MaxPool, tf.MaxPoolGrad),
  {
    kernelName: tf.AvgPool,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.AvgPool);
      const x = savedAt(saved, 0, tf.AvgPool);
      const { filterSize, strides, pad, dimRoundingMode } = attrsAs<tf.AvgPoolAttrs>(attrs);
      return {
        x: () => {
          const info = tf.backend_util.computePool2DInfo(
            x.shape as [number, number, number, number],
            filterSize,
            strides,
            1,
            pad,
            dimRoundingMode,
          );
          const axes: PoolAxis[] = [
            [info.inHeight, info.outHeight, info.filterHeight, info.strideHeight, info.padInfo.top],
            [info.inWidth, info.outWidth, info.filterWidth, info.strideWidth, info.padInfo.left],
          ];
          return avgPoolBackprop(tf.AvgPoolGrad, g, x, axes, { filterSize, strides, pad });
        },
      };
    },
  },
  maxPoolGradient(tf.MaxPool3D, tf.MaxPool3DGrad),
  {
    // Only the pooled values are differentiable (the argmax output is an index).
    kernelName: tf.MaxPoolWithArgmax,
    inputsToSave: ['x'],
    outputsToSave: [true, false],
    gradFunc: (dy, saved, attrs): GradMap => {
      const [g] = several(dy);
      const x = savedAt(saved, 0, tf.MaxPoolWithArgmax);
      const y = savedAt(saved, 1, tf.MaxPoolWithArgmax);
      const { filterSize, strides, pad } = attrsAs<tf.MaxPoolWithArgmaxAttrs>(attrs);
      // tfjs passes zeros for outputs that do not reach the loss, so g is never missing.
      if (g == null)
        // eslint-disable-next-line no-restricted-syntax -- internal assert: tfjs always passes dy
        throw new Error('MaxPoolWithArgmax gradient: expected the gradient of result.');
      return { x: () => maxPoolBackprop(tf.MaxPoolGrad, g, x, y, { filterSize, strides, pad }) };
    },
  },
  {
    kernelName: tf.AvgPool3D,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.AvgPool3D);
      const x = savedAt(saved, 0, tf.AvgPool3D);
      const { filterSize, strides, pad, dimRoundingMode } = attrsAs<tf.AvgPool3DAttrs>(attrs);
      return {
        x: () => {
          const info = tf.backend_util.computePool3DInfo(
            x.shape as [number, number, number, number, number],
            filterSize,
            strides,
            1,
            pad,
            dimRoundingMode,
          );
          const axes: PoolAxis[] = [
            [info.inDepth, info.outDepth, info.filterDepth, info.strideDepth, info.padInfo.front],
            [info.inHeight, info.outHeight, info.filterHeight, info.strideHeight, info.padInfo.top],
            [info.inWidth, info.outWidth, info.filterWidth, info.strideWidth, info.padInfo.left],
          ];
          const poolAttrs = withRounding({ filterSize, strides, pad }, dimRoundingMode);
          return avgPoolBackprop(tf.AvgPool3DGrad, g, x, axes, poolAttrs);
        },
      };
    },
  },
];
