// Input checks shared by the losses: live numeric tensors, class ids.
import * as tf from '@tensorflow/tfjs-core';
import { LossInputError, formatShape } from './errors.js';

/**
 * Checks that `value` is a live tensor with a numeric dtype and returns it as float32 (int32
 * and bool are cast, as slim casts predictions and labels to float). `role` names the argument
 * in the error, e.g. `'predictions'`.
 */
export function toFloat(functionName: string, role: string, value: unknown): tf.Tensor {
  const t = checkTensor(functionName, role, value);
  if (t.dtype === 'float32') return t;
  if (t.dtype === 'int32' || t.dtype === 'bool') return tf.cast(t, 'float32');
  throw new LossInputError(
    functionName,
    `${role} of a numeric dtype (float32, int32 or bool)`,
    `dtype ${t.dtype}`,
    `Convert ${role} to numbers first (e.g. tf.tensor(values, shape, 'float32')).`,
  );
}

/** Checks that `value` is a tensor that has not been disposed, and returns it. */
export function checkTensor(functionName: string, role: string, value: unknown): tf.Tensor {
  if (!(value instanceof tf.Tensor)) {
    throw new LossInputError(
      functionName,
      `${role} to be a tf.Tensor`,
      describeValue(value),
      `Wrap plain arrays with tf.tensor(...) before calling ${functionName}.`,
    );
  }
  if (value.isDisposed) {
    throw new LossInputError(
      functionName,
      `${role} to be a live tensor`,
      'a disposed tensor',
      'Compute it inside the same tf.tidy as the loss, or tf.keep it.',
    );
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a plain array';
  return typeof value === 'object' ? 'an object that is not a tensor' : typeof value;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The advice for a mismatch where `labels` holds one class id per example while `predictions`
 * has a trailing class axis (labels [B] or [B,1] against predictions [B,C]).
 */
export function looksLikeClassIds(
  predictions: readonly number[],
  labels: readonly number[],
): boolean {
  const classes = predictions[predictions.length - 1];
  if (predictions.length < 2 || classes === undefined || classes === 1) return false;
  const batchShape = predictions.slice(0, -1);
  return sameShape(labels, batchShape) || sameShape(labels, [...batchShape, 1]);
}

/**
 * Throws a {@link LossInputError} unless `a` and `b` have exactly the same shape (slim's
 * `assert_is_compatible_with`; no silent broadcasting, which would turn labels [B] against
 * predictions [B,1] into a [B,B] loss). `classIdsFix` is the advice when `b` looks like one
 * class id per example.
 */
export function checkSameShape(
  functionName: string,
  aRole: string,
  a: tf.Tensor,
  bRole: string,
  b: tf.Tensor,
  classIdsFix: string | ((a: tf.Tensor) => string),
): void {
  if (sameShape(a.shape, b.shape)) return;
  let fix: string;
  if (looksLikeClassIds(a.shape, b.shape)) {
    fix = typeof classIdsFix === 'string' ? classIdsFix : classIdsFix(a);
  } else if (a.size === b.size) {
    fix = `Reshape ${bRole} to ${formatShape(a.shape)} (e.g. ${bRole}.reshape(${formatShape(a.shape)})); shapes are not broadcast.`;
  } else {
    fix = `Pass ${aRole} and ${bRole} of one shape; shapes are not broadcast.`;
  }
  throw new LossInputError(
    functionName,
    `${bRole} of the same shape as ${aRole} ${formatShape(a.shape)}`,
    `${bRole} of shape ${formatShape(b.shape)}`,
    fix,
  );
}

/** Throws unless `t` has at least `min` dimensions; `what` describes the expected layout. */
export function checkMinRank(
  functionName: string,
  role: string,
  t: tf.Tensor,
  min: number,
  what: string,
  fix: string,
): void {
  if (t.rank >= min) return;
  throw new LossInputError(
    functionName,
    `${role} of rank >= ${min} (${what})`,
    `${role} of shape ${formatShape(t.shape)}`,
    fix,
  );
}

/** Throws unless `value` is a finite number within [min, max]. */
export function checkNumberOption(
  functionName: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
  minExclusive = false,
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (minExclusive ? value > min : value >= min) &&
    value <= max;
  if (ok) return value;
  const range = `${minExclusive ? '(' : '['}${min}, ${max === Infinity ? 'Infinity)' : `${max}]`}`;
  throw new LossInputError(
    functionName,
    `options.${name} to be a number in ${range}`,
    typeof value === 'number' ? String(value) : typeof value,
    `Pass a number in ${range} or leave options.${name} out for the default.`,
  );
}

/** The class-ids advice shared by the regression losses (built only when there is an error). */
export function oneHotFix(predictions: tf.Tensor): string {
  const classes = predictions.shape[predictions.rank - 1] ?? 'C';
  return `labels look like class ids: one-hot encode them with tf.oneHot(tf.cast(labels.reshape([-1]), 'int32'), ${classes}).`;
}

/**
 * The opt-in label check (`validateLabels: true`) of the losses whose labels are probabilities:
 * every value in [0, 1]. TF computes these losses for any label without a word (sigmoid cross
 * entropy of label 2 is negative, hinge of label 2 is 0.1), so the default keeps TF's numbers
 * and reads nothing back; the check reads the labels once (`dataSync`), a host sync per step,
 * and names the first bad value.
 */
export function checkUnitLabels(functionName: string, role: string, labels: tf.Tensor): void {
  const values = labels.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    if (!(v >= 0 && v <= 1)) {
      throw new LossInputError(
        functionName,
        `${role} in [0, 1] (validateLabels)`,
        `${v} at flat index ${i}`,
        'Fix the labels: 0 or 1 per class (or a probability), never a class id or NaN.',
      );
    }
  }
}

/**
 * The inputs of an elementwise loss: predictions and labels as float32, of the same shape (a
 * class-id mix-up named), predictions of rank >= `batchAxis.rank` first when given.
 */
export function predictionsAndLabels(
  functionName: string,
  predictions: tf.Tensor,
  labels: tf.Tensor,
  batchAxis?: { rank: number; expected: string },
): [predictions: tf.Tensor, labels: tf.Tensor] {
  const p = toFloat(functionName, 'predictions', predictions);
  const y = toFloat(functionName, 'labels', labels);
  if (batchAxis) {
    checkMinRank(
      functionName,
      'predictions',
      p,
      batchAxis.rank,
      batchAxis.expected,
      'Add a batch axis with predictions.expandDims(0).',
    );
  }
  checkSameShape(functionName, 'predictions', p, 'labels', y, oneHotFix);
  return [p, y];
}
