// Confusion counts at many thresholds at once, for AUC, F1 and the *AtThresholds metrics.
// TF compares every prediction with every threshold ([N, T]); here each prediction is
// bucketed by binary search over the sorted thresholds and the weighted buckets are summed
// with cumulative sums: O(N log T + T) instead of O(N T), the same counts.
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError } from './errors.js';
import { alignPair, prepareWeights, toBool, toFloat, toTensor } from './inputs.js';
import type { MetricInput, StateSpec } from './types.js';

/** TF's epsilon around the end thresholds (`kepsilon`). */
export const THRESHOLD_EPSILON = 1e-7;

/**
 * TF's AUC thresholds: `[-1e-7, 1/(n-1), ..., (n-2)/(n-1), 1 + 1e-7]`, or the given ones
 * sorted with those two ends added.
 */
export function aucThresholds(
  fn: string,
  numThresholds: number,
  thresholds?: readonly number[],
): number[] {
  let inner: number[];
  if (thresholds !== undefined) {
    inner = [...checkThresholds(fn, thresholds)].sort((a, b) => a - b);
  } else {
    if (!Number.isInteger(numThresholds) || numThresholds < 2) {
      throw new MetricInputError(
        `${fn}: expected numThresholds as an integer >= 2, got ${String(numThresholds)}. Pass e.g. { numThresholds: 200 }.`,
      );
    }
    inner = [];
    for (let i = 0; i < numThresholds - 2; i++) inner.push((i + 1) / (numThresholds - 1));
  }
  return [0 - THRESHOLD_EPSILON, ...inner, 1 + THRESHOLD_EPSILON];
}

/** Validates a thresholds list: a non-empty array of finite numbers. */
export function checkThresholds(fn: string, thresholds: readonly number[]): readonly number[] {
  if (
    !Array.isArray(thresholds) ||
    thresholds.length === 0 ||
    !thresholds.every((t) => typeof t === 'number' && Number.isFinite(t))
  ) {
    throw new MetricInputError(
      `${fn}: expected thresholds as a non-empty array of finite numbers, got ${JSON.stringify(thresholds)}. Pass e.g. { thresholds: [0.25, 0.5, 0.75] }.`,
    );
  }
  return thresholds;
}

/** The [0, 1] range check TF asserts on predictions for every threshold metric. */
export const PREDICTIONS_IN_UNIT_RANGE: NonNullable<StateSpec['check']> = {
  expected: 'predictions in [0, 1] (probabilities)',
  fix: 'Apply tf.sigmoid (or softmax) to logits before updating',
};

export type ConfusionKey = 'tp' | 'fp' | 'tn' | 'fn';

/** State declarations for the given counts at T thresholds, plus the range check. */
export function confusionStates<K extends ConfusionKey>(
  keys: readonly K[],
  numThresholds: number,
): Record<K | 'invalid', StateSpec> {
  const states = {} as Record<K | 'invalid', StateSpec>;
  for (const k of keys) states[k] = { shape: [numThresholds], reduce: 'sum' };
  states.invalid = { shape: [], reduce: 'sum', check: PREDICTIONS_IN_UNIT_RANGE };
  return states;
}

/**
 * Weighted tp/fp/tn/fn at each threshold (positive means prediction > threshold), and the
 * count of predictions outside [0, 1]. Labels are cast to bool (non-zero is positive).
 */
export function confusionAtThresholds(
  fn: string,
  thresholds: readonly number[],
  predictions: MetricInput,
  labels: MetricInput,
  weights: MetricInput | undefined,
): Record<ConfusionKey | 'invalid', tf.Tensor> {
  const [p, l] = alignPair(
    fn,
    toFloat(fn, 'predictions', predictions),
    toBool(toTensor(fn, 'labels', labels)),
  );
  const w = prepareWeights(fn, weights, p.shape);
  const T = thresholds.length;
  const order = thresholds.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]);
  const sorted = order.map(([t]) => t);
  const flatP = tf.reshape(p, [-1]);
  // bucket = number of thresholds strictly below the prediction (NaN lands in bucket 0).
  const bucket = tf.reshape(tf.searchSorted(tf.tensor1d(sorted), flatP, 'left'), [-1]);
  const positive = tf.cast(tf.reshape(l, [-1]), 'int32');
  const index = tf.add(bucket, tf.mul(positive, tf.scalar(T + 1, 'int32')));
  const weightsFlat = w === null ? tf.tensor1d([]) : tf.reshape(w, [-1]);
  const hist = tf.reshape(
    tf.bincount(index as tf.Tensor1D, weightsFlat as tf.Tensor1D, 2 * (T + 1)),
    [2, T + 1],
  );
  const above = tf.slice(tf.cumsum(hist, 1, true, true), [0, 0], [2, T]);
  const atOrBelow = tf.slice(tf.cumsum(hist, 1), [0, 0], [2, T]);
  const unsort = (x: tf.Tensor) => {
    const identity = order.every(([, i], j) => i === j);
    if (identity) return tf.reshape(x, [T]);
    const back = new Array<number>(T);
    order.forEach(([, i], j) => (back[i] = j));
    return tf.gather(tf.reshape(x, [T]), tf.tensor1d(back, 'int32'));
  };
  const row = (x: tf.Tensor, r: number) => unsort(tf.slice(x, [r, 0], [1, T]));
  const inRange = tf.logicalAnd(tf.greaterEqual(flatP, 0), tf.lessEqual(flatP, 1));
  return {
    tp: row(above, 1),
    fp: row(above, 0),
    fn: row(atOrBelow, 1),
    tn: row(atOrBelow, 0),
    invalid: tf.sum(tf.cast(tf.logicalNot(inRange), 'float32')),
  };
}
