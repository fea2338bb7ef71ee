// Gradients of reductions (Sum, Mean, Prod, Max, Min, cumulative sums and products).
import * as tf from '@tensorflow/tfjs-core';
import { attrsAs, savedAt, single, toFloat, zeroGrad, type GradMap } from './util.js';

/** `t` (a reduction's output or its gradient) reshaped so reduced axes have size 1. */
function keepDims(t: tf.Tensor, xShape: number[], axes: number[]): tf.Tensor {
  const shape = xShape.slice();
  for (const axis of axes) shape[axis] = 1;
  return tf.reshape(t, shape);
}

/**
 * Max/Min: dy flows to the elements equal to the result; ties share it equally, as TF does
 * (tfjs-core gave every tied element the full gradient).
 */
function extremumGrad(kernelName: string, axisOf: (attrs: tf.NamedAttrMap) => number | number[]) {
  return (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap): GradMap => {
    const g = single(dy, kernelName);
    const x = savedAt(saved, 0, kernelName);
    const y = savedAt(saved, 1, kernelName);
    const axes = tf.util.parseAxisParam(axisOf(attrs), x.shape);
    return {
      x: () => {
        const hit = tf.cast(tf.equal(x, keepDims(y, x.shape, axes)), 'float32');
        const count = tf.sum(hit, axes, true);
        return tf.mul(hit, tf.div(keepDims(g, x.shape, axes), count));
      },
    };
  };
}

/**
 * Product over `axes`: dx_i = dy * prod_{j != i} x_j, computed with exclusive cumulative
 * products from both ends so zeros in x are handled exactly (no division by x).
 */
function prodGrad(x: tf.Tensor, g: tf.Tensor, axes: number[]): tf.Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const moved = tf.transpose(x, perm);
  const outer = kept.reduce((p, i) => p * (x.shape[i] ?? 1), 1);
  const inner = axes.reduce((p, i) => p * (x.shape[i] ?? 1), 1);
  const rows = tf.reshape(moved, [outer, inner]);
  const before = tf.cumprod(rows, 1, true, false);
  const after = tf.cumprod(rows, 1, true, true);
  const others = tf.reshape(tf.mul(before, after), moved.shape);
  const back = tf.transpose(others, tf.backend_util.getUndoAxesPermutation(perm));
  return tf.mul(keepDims(g, x.shape, axes), back);
}

/** Gradient configs of reductions and scans (Sum, Mean, Max, Min, Prod, Cumsum, Cumprod, ArgMax, ...). */
export const reductionGradients: tf.GradConfig[] = [
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.Sum);
      const x = savedAt(saved, 0, tf.Sum);
      const axes = tf.util.parseAxisParam(attrsAs<tf.SumAttrs>(attrs).axis, x.shape);
      return { x: () => tf.broadcastTo(toFloat(keepDims(g, x.shape, axes)), x.shape) };
    },
  },
  {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.Mean);
      const x = savedAt(saved, 0, tf.Mean);
      const axes = tf.util.parseAxisParam(attrsAs<tf.MeanAttrs>(attrs).axis, x.shape);
      const count = axes.reduce((p, a) => p * (x.shape[a] ?? 1), 1);
      return {
        x: () => tf.broadcastTo(tf.div(keepDims(toFloat(g), x.shape, axes), count), x.shape),
      };
    },
  },
  {
    kernelName: tf.Max,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: extremumGrad(tf.Max, (attrs) => attrsAs<tf.MaxAttrs>(attrs).reductionIndices),
  },
  {
    kernelName: tf.Min,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: extremumGrad(tf.Min, (attrs) => attrsAs<tf.MinAttrs>(attrs).axis),
  },
  {
    kernelName: tf.Prod,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.Prod);
      const x = toFloat(savedAt(saved, 0, tf.Prod));
      const { axis } = attrsAs<tf.ProdAttrs>(attrs);
      const axes = axis == null ? x.shape.map((_, i) => i) : tf.util.parseAxisParam(axis, x.shape);
      return { x: () => prodGrad(x, g, axes) };
    },
  },
  {
    // The adjoint of a forward cumulative sum is a cumulative sum in the other direction.
    kernelName: tf.Cumsum,
    gradFunc: (dy, _saved, attrs): GradMap => {
      const g = single(dy, tf.Cumsum);
      const { axis, exclusive, reverse } = attrsAs<tf.CumsumAttrs>(attrs);
      return { x: () => tf.cumsum(g, axis, exclusive, !reverse) };
    },
  },
  {
    // TF's formula: cumsum(y * dy) in the other direction, divided by x (so, as in TF, the
    // gradient is not finite where x is 0).
    kernelName: tf.Cumprod,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.Cumprod);
      const x = toFloat(savedAt(saved, 0, tf.Cumprod));
      const y = toFloat(savedAt(saved, 1, tf.Cumprod));
      const { axis, exclusive, reverse } = attrsAs<tf.CumprodAttrs>(attrs);
      return { x: () => tf.div(tf.cumsum(tf.mul(y, g), axis, exclusive, !reverse), x) };
    },
  },
  {
    kernelName: tf.ArgMax,
    inputsToSave: ['x'],
    gradFunc: (_dy, saved): GradMap => {
      const x = savedAt(saved, 0, tf.ArgMax);
      return { x: () => zeroGrad(x.shape) };
    },
  },
  {
    kernelName: tf.ArgMin,
    inputsToSave: ['x'],
    gradFunc: (_dy, saved): GradMap => {
      const x = savedAt(saved, 0, tf.ArgMin);
      return { x: () => zeroGrad(x.shape) };
    },
  },
];
