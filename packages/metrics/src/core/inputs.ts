// Input handling shared by every metric: conversion, dtype checks, TF's squeeze rules and
// weight broadcasting. Everything here looks at shapes and dtypes only: no host reads.
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError } from './errors.js';
import type { MetricInput } from './types.js';

/** `[2,3]` for messages. */
export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Converts `x` to a tensor, refusing strings, complex numbers and disposed tensors. */
export function toTensor(fn: string, arg: string, x: MetricInput | undefined): tf.Tensor {
  if (x === undefined || x === null) {
    throw new MetricInputError(
      `${fn}: expected ${arg} as a tensor or array, got ${String(x)}. Pass ${arg}.`,
    );
  }
  let t: tf.Tensor;
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) {
      throw new MetricInputError(
        `${fn}: expected ${arg} as a live tensor, got a disposed one. Keep it alive until update returns.`,
      );
    }
    t = x;
  } else {
    try {
      t = tf.tensor(x);
    } catch (e) {
      throw new MetricInputError(
        `${fn}: expected ${arg} as a tensor or a rectangular numeric array, got one tf.tensor() refuses (${(e as Error).message}). Pass a tensor.`,
      );
    }
  }
  if (t.dtype === 'string' || t.dtype === 'complex64') {
    throw new MetricInputError(
      `${fn}: expected ${arg} of a numeric or bool dtype, got ${t.dtype}. Convert it to numbers first.`,
    );
  }
  return t;
}

/**
 * An update argument as a float32 tensor, refusing strings, complex numbers and disposed
 * tensors with an error naming `fn` and `arg`. For custom metric definitions.
 *
 * @example
 * batch: (values) => ({ total: tf.sum(toFloat('myMetric.update', 'values', values)) }),
 */
export function toFloat(fn: string, arg: string, x: MetricInput | undefined): tf.Tensor {
  const t = toTensor(fn, arg, x);
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/** `x != 0` (not tf.cast: tfjs-backend-wasm casts 0.5 and 2 to bool wrongly). */
export function toBool(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'bool' ? t : tf.notEqual(t, tf.scalar(0, t.dtype));
}

/** Class ids as int32 (floats truncated, as TF's cast does). */
export function toClassIds(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'int32' ? t : tf.cast(t, 'int32');
}

/** `0 <= ids < n` for int32 ids (int32 scalars: no casts). */
export function idsInRange(ids: tf.Tensor, n: number): tf.Tensor {
  return tf.logicalAnd(
    tf.greaterEqual(ids, tf.scalar(0, 'int32')),
    tf.less(ids, tf.scalar(n, 'int32')),
  );
}

/**
 * TF's `remove_squeezable_dimensions`: when the ranks of predictions and labels differ by one
 * and the extra trailing dimension is 1, it is squeezed. Then the shapes must be equal.
 *
 * @example
 * const [p, y] = alignPair('myMetric.update', predictions, labels); // [B, 1] and [B] -> [B]
 */
export function alignPair(
  fn: string,
  predictions: tf.Tensor,
  labels: tf.Tensor,
  labelsName = 'labels',
): [tf.Tensor, tf.Tensor] {
  let p = predictions;
  let l = labels;
  if (p.rank === l.rank + 1 && p.shape[p.rank - 1] === 1) p = tf.squeeze(p, [p.rank - 1]);
  else if (l.rank === p.rank + 1 && l.shape[l.rank - 1] === 1) l = tf.squeeze(l, [l.rank - 1]);
  if (!sameShape(p.shape, l.shape)) {
    throw new MetricInputError(
      `${fn}: expected ${labelsName} with the predictions' shape ${shapeStr(predictions.shape)}, got ${shapeStr(labels.shape)}. Pass one value per prediction (a trailing dimension of 1 is squeezed).`,
    );
  }
  return [p, l];
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Weights as a float32 tensor of `shape`, by TF's rules: a scalar broadcasts; a rank one
 * higher with a trailing 1 is squeezed, one lower is expanded at the end; then every
 * dimension must equal the values' or be 1. `undefined` gives `null` (every weight 1).
 *
 * @example
 * const w = prepareWeights('myMetric.update', weights, values.shape); // null, or values' shape
 * const total = tf.sum(w === null ? values : tf.mul(values, w));
 */
export function prepareWeights(
  fn: string,
  weights: MetricInput | undefined,
  shape: readonly number[],
): tf.Tensor | null {
  if (weights === undefined) return null;
  let w = toFloat(fn, 'weights', weights);
  const original = w.shape;
  if (w.rank > 0) {
    if (w.rank === shape.length + 1 && w.shape[w.rank - 1] === 1) w = tf.squeeze(w, [w.rank - 1]);
    else if (w.rank === shape.length - 1) w = tf.expandDims(w, -1);
  }
  const fits =
    w.rank === 0 || (w.rank === shape.length && w.shape.every((d, i) => d === 1 || d === shape[i]));
  if (!fits) {
    throw new MetricInputError(
      `${fn}: expected weights broadcastable to the values' shape ${shapeStr(shape)} (a scalar, or the same rank with each dimension equal or 1), got ${shapeStr(original)}. Reshape the weights, e.g. one weight per example as [batch].`,
    );
  }
  return sameShape(w.shape, shape) ? w : tf.broadcastTo(w, shape as number[]);
}

/** `sum(values * w)` and `sum(w)` (or the element count without weights), as scalars. */
export function weightedSums(
  values: tf.Tensor,
  weights: tf.Tensor | null,
): { total: tf.Tensor; count: tf.Tensor } {
  if (weights === null) return { total: tf.sum(values), count: tf.scalar(values.size) };
  return { total: tf.sum(tf.mul(values, weights)), count: tf.sum(weights) };
}

/** Validates a positive integer option. */
export function positiveInt(fn: string, option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new MetricInputError(
      `${fn}: expected ${option} as a positive integer, got ${String(value)}. Pass e.g. { ${option}: 5 }.`,
    );
  }
  return value;
}

/** Validates a string option against its allowed values. */
export function oneOf<T extends string>(
  fn: string,
  option: string,
  value: string,
  allowed: readonly T[],
): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new MetricInputError(
      `${fn}: expected ${option} to be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${value}'. Use one of those.`,
    );
  }
  return value as T;
}
