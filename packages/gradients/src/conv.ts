// Gradients of convolutions (Conv2D, Conv3D, depthwise, transposed, fused), dilations included.
import * as tf from '@tensorflow/tfjs-core';
import {
  attrsAs,
  dilateFilter,
  perAxis,
  runKernel,
  savedAt,
  single,
  spread,
  undilateFilter,
  withRounding,
  type GradMap,
} from './util.js';

// Dilated convolutions: tfjs's backprop kernels take no dilation, so the gradient is taken for the
// equivalent undilated conv whose filter has zeros between the taps (dilateFilter); the filter
// gradient keeps every d-th tap of that (undilateFilter). Padding is unchanged because tfjs pads
// dilated convs by their effective filter size, which the spread filter has.

/**
 * Backends whose Conv3D backprop kernels are wrong: tfjs-backend-wasm 4.22's
 * Conv3DBackpropInputV2 (with 'same' padding, stride > 1 or several output channels) and
 * Conv3DBackpropFilterV2 (with stride > 1). They get {@link conv3dInputGrad} and
 * {@link conv3dFilterGrad}, built from the forward Conv3D kernel.
 */
const BROKEN_CONV3D_BACKPROP = new Set(['wasm']);

/** Pads (or, for negative amounts, crops) the three spatial axes of an NDHWC tensor. */
function padSpatial(t: tf.Tensor, lo: number[], hi: number[]): tf.Tensor {
  const padded = tf.pad(t, [
    [0, 0],
    ...lo.map((l, i): [number, number] => [Math.max(l, 0), Math.max(hi[i] ?? 0, 0)]),
    [0, 0],
  ]);
  if (lo.every((l) => l >= 0) && hi.every((h) => h >= 0)) return padded;
  const begin = [0, ...lo.map((l) => Math.max(-l, 0)), 0];
  const size = padded.shape.map((d, axis) =>
    axis === 0 || axis === 4 ? d : d - (begin[axis] ?? 0) - Math.max(-(hi[axis - 1] ?? 0), 0),
  );
  return tf.slice(padded, begin, size);
}

function conv3dGeometry(
  xShape: number[],
  filterShape: number[],
  strides: number | [number, number, number],
  pad: 'valid' | 'same',
) {
  const info = tf.backend_util.computeConv3DInfo(
    xShape as [number, number, number, number, number],
    filterShape as [number, number, number, number, number],
    strides,
    1,
    pad,
  );
  return {
    s: [info.strideDepth, info.strideHeight, info.strideWidth],
    f: [info.filterDepth, info.filterHeight, info.filterWidth],
    n: [info.inDepth, info.inHeight, info.inWidth],
    m: [info.outDepth, info.outHeight, info.outWidth],
    p: [info.padInfo.front, info.padInfo.top, info.padInfo.left],
  };
}

/**
 * The filter gradient of a 3D conv built from the forward Conv3D kernel:
 * dW[k, ci, co] = sum over b, o of x[b, o * s - pad + k, ci] * dy[b, o, co], i.e. a stride-1
 * valid conv of x (batch and channels swapped, padded) with dy (stride zeros inserted) as the
 * filter. `filterShape` is the (dilated) filter's shape.
 */
export function conv3dFilterGrad(
  x: tf.Tensor,
  dy: tf.Tensor,
  filterShape: number[],
  strides: number | [number, number, number],
  pad: 'valid' | 'same',
): tf.Tensor {
  const { s, f, n, m, p } = conv3dGeometry(x.shape, filterShape, strides, pad);
  const kernel = tf.transpose(spread(dy, [1, ...s]), [1, 2, 3, 0, 4]);
  const hi = n.map((ni, i) => (f[i] ?? 1) + ((m[i] ?? 1) - 1) * (s[i] ?? 1) - ni - (p[i] ?? 0));
  const input = padSpatial(tf.transpose(x, [4, 1, 2, 3, 0]), p, hi);
  const out = tf.conv3d(input as tf.Tensor5D, kernel as tf.Tensor5D, 1, 'valid');
  return tf.transpose(out, [1, 2, 3, 0, 4]);
}

/**
 * The input gradient of a 3D conv built from the forward Conv3D kernel: dy with (stride - 1)
 * zeros inserted between its elements, padded by (filter - 1 - padBefore) in front and up to
 * the input size behind, then convolved (stride 1, valid) with the spatially flipped filter
 * whose in/out channels are swapped. `filter` is already dilated.
 */
export function conv3dInputGrad(
  dy: tf.Tensor,
  filter: tf.Tensor,
  xShape: number[],
  strides: number | [number, number, number],
  pad: 'valid' | 'same',
): tf.Tensor {
  const { s, f, n, m, p } = conv3dGeometry(xShape, filter.shape, strides, pad);
  const lo = f.map((fi, i) => fi - 1 - (p[i] ?? 0));
  const hi = n.map((ni, i) => ni + (p[i] ?? 0) - ((m[i] ?? 1) - 1) * (s[i] ?? 1) - 1);
  const input = padSpatial(spread(dy, [1, ...s]), lo, hi);
  const flipped = tf.transpose(tf.reverse(filter, [0, 1, 2]), [0, 1, 2, 4, 3]);
  return tf.conv3d(input as tf.Tensor5D, flipped as tf.Tensor5D, 1, 'valid');
}

/** The attrs of a 2D conv that its gradient reads (Conv2D's and FusedConv2D's). */
export type Conv2dGeometry = Pick<
  tf.Conv2DAttrs,
  'strides' | 'pad' | 'dataFormat' | 'dilations' | 'dimRoundingMode'
>;

/**
 * The gradients of y = conv2d(x, filter) for the upstream gradient `g`, each computed only
 * when its thunk runs (the data fed into a first layer needs no dx): Conv2DBackpropInput and
 * Conv2DBackpropFilter, dilations through a spread filter.
 */
export function conv2dInputGradients(
  g: tf.Tensor,
  x: tf.Tensor,
  filter: tf.Tensor,
  geometry: Conv2dGeometry,
): { dx: () => tf.Tensor; dFilter: () => tf.Tensor } {
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = geometry;
  const rates = perAxis(dilations, 2);
  const base = withRounding({ strides, pad, dataFormat }, dimRoundingMode);
  const spreadFilter = () => dilateFilter(filter, rates);
  return {
    dx: () =>
      runKernel(
        tf.Conv2DBackpropInput,
        { dy: g, filter: spreadFilter() },
        { ...base, inputShape: x.shape },
      ),
    dFilter: () => {
      const dilated = spreadFilter();
      const dFilter = runKernel(
        tf.Conv2DBackpropFilter,
        { x, dy: g },
        { ...base, filterShape: dilated.shape },
      );
      return undilateFilter(dFilter, rates);
    },
  };
}

/** Gradient configs of convolution kernels (Conv2D, its transpose, depthwise, Conv3D, Dilation2D). */
export const convGradients: tf.GradConfig[] = [
  {
    kernelName: tf.Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const { dx, dFilter } = conv2dInputGradients(
        single(dy, tf.Conv2D),
        savedAt(saved, 0, tf.Conv2D),
        savedAt(saved, 1, tf.Conv2D),
        attrsAs<tf.Conv2DAttrs>(attrs),
      );
      return { x: dx, filter: dFilter };
    },
  },
  {
    // Conv2DBackpropInput (conv2dTranspose's kernel) is linear in dy and in filter:
    // its adjoint in dy is a forward conv, in filter a filter backprop with the roles swapped.
    kernelName: tf.Conv2DBackpropInput,
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, saved, attrs): GradMap => {
      const g = single(ddx, tf.Conv2DBackpropInput);
      const dy = savedAt(saved, 0, tf.Conv2DBackpropInput);
      const filter = savedAt(saved, 1, tf.Conv2DBackpropInput);
      const { strides, pad, dataFormat, dimRoundingMode } =
        attrsAs<tf.Conv2DBackpropInputAttrs>(attrs);
      const base = withRounding({ strides, pad, dataFormat }, dimRoundingMode);
      return {
        dy: () => runKernel(tf.Conv2D, { x: g, filter }, { ...base, dilations: 1 }),
        filter: () =>
          runKernel(tf.Conv2DBackpropFilter, { x: g, dy }, { ...base, filterShape: filter.shape }),
      };
    },
  },
  {
    // NHWC only: tfjs's depthwise backprop kernels take no dataFormat, and neither the cpu nor
    // the wasm forward kernel of tfjs 4.22 computes NCHW correctly.
    kernelName: tf.DepthwiseConv2dNative,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.DepthwiseConv2dNative);
      const x = savedAt(saved, 0, tf.DepthwiseConv2dNative);
      const filter = savedAt(saved, 1, tf.DepthwiseConv2dNative);
      const { strides, pad, dilations, dimRoundingMode } =
        attrsAs<tf.DepthwiseConv2dNativeAttrs>(attrs);
      const rates = perAxis(dilations, 2);
      const base = withRounding({ strides, pad, dilations: 1 }, dimRoundingMode);
      const spreadFilter = () => dilateFilter(filter, rates);
      return {
        x: () =>
          runKernel(
            tf.DepthwiseConv2dNativeBackpropInput,
            { dy: g, filter: spreadFilter() },
            { ...base, inputShape: x.shape },
          ),
        filter: () => {
          const dilated = spreadFilter();
          const dFilter = runKernel(
            tf.DepthwiseConv2dNativeBackpropFilter,
            { x, dy: g },
            { ...base, filterShape: dilated.shape },
          );
          return undilateFilter(dFilter, rates);
        },
      };
    },
  },
  {
    kernelName: tf.Conv3D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.Conv3D);
      const x = savedAt(saved, 0, tf.Conv3D);
      const filter = savedAt(saved, 1, tf.Conv3D);
      const { strides, pad, dilations } = attrsAs<tf.Conv3DAttrs>(attrs);
      const rates = perAxis(dilations, 3);
      const spreadFilter = () => dilateFilter(filter, rates);
      return {
        x: () =>
          BROKEN_CONV3D_BACKPROP.has(tf.getBackend())
            ? conv3dInputGrad(g, spreadFilter(), x.shape, strides, pad)
            : runKernel(
                tf.Conv3DBackpropInputV2,
                { dy: g, filter: spreadFilter() },
                { strides, pad, inputShape: x.shape },
              ),
        filter: () => {
          const dilated = spreadFilter();
          const dFilter = BROKEN_CONV3D_BACKPROP.has(tf.getBackend())
            ? conv3dFilterGrad(x, g, dilated.shape, strides, pad)
            : runKernel(
                tf.Conv3DBackpropFilterV2,
                { x, dy: g },
                { strides, pad, filterShape: dilated.shape },
              );
          return undilateFilter(dFilter, rates);
        },
      };
    },
  },
  {
    // Morphological dilation: both backprop kernels exist in tfjs's backends.
    kernelName: tf.Dilation2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.Dilation2D);
      const x = savedAt(saved, 0, tf.Dilation2D);
      const filter = savedAt(saved, 1, tf.Dilation2D);
      return {
        x: () => runKernel(tf.Dilation2DBackpropInput, { x, filter, dy: g }, attrs),
        filter: () => runKernel(tf.Dilation2DBackpropFilter, { x, filter, dy: g }, attrs),
      };
    },
  },
];
