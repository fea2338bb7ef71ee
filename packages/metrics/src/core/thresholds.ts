// Confusion counts at many thresholds at once (AUC, F1, *AtThresholds): predictions bucketed by
// binary search and counted with one bincount, O(N log T + T) instead of TF's O(N T).
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError } from './errors.js';
import { alignPair, prepareWeights, toBool, toFloat, toTensor } from './inputs.js';
import { countBelow } from './search.js';
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

/**
 * The [0, 1] range check TF asserts on predictions for every threshold metric, and weights
 * >= 0: TF does not check those, and a negative weight makes the counts, hence every rate and
 * area, meaningless (`tf.compat.v1.metrics.auc` returns 499999.75 for one weight of -1).
 */
export const PREDICTIONS_IN_UNIT_RANGE: NonNullable<StateSpec['check']> = {
  expected: 'predictions in [0, 1] (probabilities) and weights >= 0',
  fix: 'Apply tf.sigmoid (or softmax) to logits before updating; weights count examples, so pass weights >= 0',
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
 * count of predictions outside [0, 1] plus negative weights. Labels are cast to bool (non-zero
 * is positive).
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
  const { sorted, back } = sortedThresholds(thresholds);
  const T = thresholds.length;
  const flatP = tf.reshape(p, [-1]);
  // bucket = number of thresholds strictly below the prediction (NaN lands in bucket 0);
  // positives use buckets T+1 .. 2T+1.
  const bucket = countBelow(tf.tensor1d(sorted), flatP as tf.Tensor1D, 'left');
  const index = tf.where(tf.reshape(l, [-1]), tf.add(bucket, tf.scalar(T + 1, 'int32')), bucket);
  const weightsFlat = w === null ? tf.tensor1d([]) : tf.reshape(w, [-1]);
  const hist = tf.bincount(index as tf.Tensor1D, weightsFlat as tf.Tensor1D, 2 * (T + 1));
  const neg = tf.slice(hist, [0], [T + 1]);
  const pos = tf.slice(hist, [T + 1], [T + 1]);
  const above = (h: tf.Tensor) => unsort(tf.slice(tf.cumsum(h, 0, true, true), [0], [T]), back);
  const atOrBelow = (h: tf.Tensor) => unsort(tf.slice(tf.cumsum(h), [0], [T]), back);
  // NaN and values outside [0, 1] change under clipping (NaN != NaN).
  const outside = tf.sum(tf.cast(tf.notEqual(tf.clipByValue(flatP, 0, 1), flatP), 'float32'));
  return {
    tp: above(pos),
    fp: above(neg),
    fn: atOrBelow(pos),
    tn: atOrBelow(neg),
    invalid: w === null ? outside : tf.add(outside, countNegative(weightsFlat)),
  };
}

/** How many of `weights` are negative (NaN counts too: it is not >= 0), as a float32 scalar. */
export function countNegative(weights: tf.Tensor): tf.Tensor {
  return tf.sum(tf.cast(tf.logicalNot(tf.greaterEqual(weights, 0)), 'float32'));
}

/** The thresholds as a sorted float32 array, and the permutation back (null when sorted). */
const sortCache = new WeakMap<
  readonly number[],
  { sorted: Float32Array; back: Int32Array | null }
>();
function sortedThresholds(thresholds: readonly number[]): {
  sorted: Float32Array;
  back: Int32Array | null;
} {
  let hit = sortCache.get(thresholds);
  if (!hit) {
    const order = thresholds.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]);
    const identity = order.every(([, i], j) => i === j);
    const back = new Int32Array(thresholds.length);
    order.forEach(([, i], j) => (back[i] = j));
    hit = { sorted: Float32Array.from(order.map(([t]) => t)), back: identity ? null : back };
    sortCache.set(thresholds, hit);
  }
  return hit;
}

function unsort(x: tf.Tensor, back: Int32Array | null): tf.Tensor {
  return back === null ? x : tf.gather(x, tf.tensor1d(back, 'int32'));
}
