// Predictions and labels as booleans for precision, recall and the confusion counts.
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError } from './errors.js';
import { alignPair, prepareWeights, toBool, toTensor } from './inputs.js';
import type { MetricInput } from './types.js';

/** Options of the boolean metrics (precision, recall, true/false positives/negatives). */
export interface BinaryOptions {
  /**
   * Without it (TF-Slim's behaviour) predictions are cast to bool: non-zero is positive.
   * With it, a prediction is positive when it is greater than the threshold.
   */
  threshold?: number;
}

export function checkThreshold(kind: string, threshold: number | undefined): void {
  if (threshold !== undefined && !Number.isFinite(threshold)) {
    throw new MetricInputError(
      `${kind}: expected threshold as a finite number or absent, got ${String(threshold)}. Pass e.g. { threshold: 0.5 }.`,
    );
  }
}

/** Aligned boolean predictions and labels, and weights broadcast to them (null: all 1). */
export function binaryInputs(
  fn: string,
  threshold: number | undefined,
  predictions: MetricInput,
  labels: MetricInput,
  weights: MetricInput | undefined,
): { p: tf.Tensor; l: tf.Tensor; w: tf.Tensor | null } {
  const [rawP, rawL] = alignPair(
    fn,
    toTensor(fn, 'predictions', predictions),
    toTensor(fn, 'labels', labels),
  );
  const p =
    threshold === undefined
      ? toBool(rawP)
      : tf.greater(tf.cast(rawP, 'float32'), tf.scalar(threshold));
  return { p, l: toBool(rawL), w: prepareWeights(fn, weights, rawP.shape) };
}

/** Weighted count of true elements of `mask`. */
export function weightedCount(mask: tf.Tensor, w: tf.Tensor | null): tf.Tensor {
  const m = tf.cast(mask, 'float32');
  return tf.sum(w === null ? m : tf.mul(m, w));
}
