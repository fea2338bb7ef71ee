// Helpers every gradient family shares: typed attrs, saved tensors, dtype and broadcasting.
import * as tf from '@tensorflow/tfjs-core';
import { GradientContractError } from './errors.js';

/** What a gradFunc returns: one thunk per input name (or per index for list inputs). */
export type GradMap = Record<string, () => tf.Tensor>;

/** Views a kernel's attribute map as that kernel's typed attrs (tfjs passes them untyped). */
export function attrsAs<T>(attrs: tf.NamedAttrMap): T {
  return attrs as unknown as T;
}

/** The upstream gradient of a single-output kernel. */
export function single(dy: tf.Tensor | tf.Tensor[], kernel: string): tf.Tensor {
  if (Array.isArray(dy)) {
    throw new GradientContractError(
      `${kernel} gradient: expected one upstream gradient, got ${dy.length}. This kernel has one output.`,
    );
  }
  return dy;
}

/**
 * The upstream gradients of a multi-output kernel. tfjs passes a lone tensor when the kernel
 * happened to produce one output (e.g. unstack of a size-1 axis), and zeros for outputs that do
 * not reach the loss.
 */
export function several(dy: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(dy) ? dy : [dy];
}

/** The `index`-th tensor a kernel saved for its backward pass. */
export function savedAt(saved: tf.Tensor[], index: number, kernel: string): tf.Tensor {
  const t = saved[index];
  if (t == null) {
    throw new GradientContractError(
      `${kernel} gradient: expected saved tensor #${index}, got ${saved.length} saved. The gradient config and the forward kernel disagree.`,
    );
  }
  return t;
}

/** `t` as float32 (gradients must be float32 in tfjs). */
export function toFloat(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/** A float32 zero gradient of `shape` (for inputs the output does not depend on smoothly). */
export function zeroGrad(shape: number[]): tf.Tensor {
  return tf.zeros(shape, 'float32');
}

/**
 * Sums `dy` over the axes that broadcasting added or stretched, so the result has `shape`:
 * the gradient of an input that was broadcast to `dy`'s shape.
 */
export function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, dy.shape);
  const reduced = axes.length > 0 ? tf.sum(dy, axes) : dy;
  return tf.reshape(reduced, shape);
}

/**
 * `unbroadcast` of a tensor the gradient function just computed (never the upstream gradient
 * itself, which must not become an input's gradient as is): returned as is when nothing is
 * summed and the shape already matches, one Reshape kernel fewer per input per step.
 */
export function unbroadcastFresh(fresh: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, fresh.shape);
  const reduced = axes.length > 0 ? tf.sum(fresh, axes) : fresh;
  return tf.util.arraysEqual(reduced.shape, shape) ? reduced : tf.reshape(reduced, shape);
}

/** Normalises an int-or-tuple attribute (strides, dilations) to one value per spatial axis. */
export function perAxis(value: number | number[] | undefined, rank: number): number[] {
  if (value == null) return new Array<number>(rank).fill(1);
  if (typeof value === 'number') return new Array<number>(rank).fill(value);
  return value.slice();
}

/**
 * Inserts `factors[axis] - 1` zeros between neighbouring elements along each leading axis
 * (axes beyond `factors.length` are left alone): [a, b, c] with factor 2 -> [a, 0, b, 0, c].
 * Done one axis at a time as reshape + pad + slice, so ranks stay <= 4 on every backend.
 */
export function spread(t: tf.Tensor, factors: number[]): tf.Tensor {
  let out = t;
  factors.forEach((d, axis) => {
    if (d === 1) return;
    const shape = out.shape;
    const n = shape[axis] ?? 1;
    const pre = shape.slice(0, axis).reduce((p, c) => p * c, 1);
    const post = shape.slice(axis + 1).reduce((p, c) => p * c, 1);
    const gaps = tf.pad(tf.reshape(out, [pre, n, 1, post]), [
      [0, 0],
      [0, 0],
      [0, d - 1],
      [0, 0],
    ]);
    const length = (n - 1) * d + 1;
    const flat = tf.slice(tf.reshape(gaps, [pre, n * d, post]), [0, 0, 0], [pre, length, post]);
    const next = shape.slice();
    next[axis] = length;
    out = tf.reshape(flat, next);
  });
  return out;
}

/**
 * Spreads a filter `[f_1, ..., f_k, inChannels, outChannels]` by its dilation rates: a conv
 * with the result equals a conv with the original filter at those rates.
 */
export function dilateFilter(filter: tf.Tensor, dilations: number[]): tf.Tensor {
  return spread(filter, dilations);
}

/** The inverse of {@link dilateFilter} for gradients: keeps every `d`-th tap. */
export function undilateFilter(dFilter: tf.Tensor, dilations: number[]): tf.Tensor {
  if (dilations.every((d) => d === 1)) return dFilter;
  const begin = dFilter.shape.map(() => 0);
  const strides = dFilter.shape.map((_, i) => dilations[i] ?? 1);
  return tf.stridedSlice(dFilter, begin, dFilter.shape, strides);
}

/** Attrs with `dimRoundingMode` only when set (tfjs attributes cannot be undefined). */
export function withRounding<T extends tf.NamedAttrMap>(
  attrs: T,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
): tf.NamedAttrMap {
  return dimRoundingMode == null ? attrs : { ...attrs, dimRoundingMode };
}

/** Runs a kernel that has no public op (backprop kernels), typed as one output. */
export function runKernel(
  kernelName: string,
  inputs: tf.NamedTensorMap,
  attrs: tf.NamedAttrMap,
): tf.Tensor {
  return tf.engine().runKernel<tf.Tensor>(kernelName, inputs, attrs);
}
