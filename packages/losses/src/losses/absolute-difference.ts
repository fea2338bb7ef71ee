// absoluteDifference: slim's absolute_difference.
import * as tf from '@tensorflow/tfjs-core';
import { finishLoss } from '../finish.js';
import { predictionsAndLabels } from '../inputs.js';
import type { LossOptions, LossResult } from '../options.js';
import { Reduction } from '../reduction.js';

const SPEC = {
  fn: 'absoluteDifference',
  scope: 'absolute_difference',
  reduction: Reduction.SUM_BY_NONZERO_WEIGHTS,
} as const;

/**
 * Weighted absolute difference `|predictions - labels|` (slim's `absolute_difference`).
 * Default reduction: `SUM_BY_NONZERO_WEIGHTS` (the mean over elements with a non-zero weight).
 * Registered in the active LossCollection as `'absolute_difference'`.
 *
 * @example
 * const loss = absoluteDifference(tf.tensor2d([[1, 2]]), tf.tensor2d([[0, 4]])); // 1.5
 */
export function absoluteDifference<O extends LossOptions = LossOptions>(
  predictions: tf.Tensor,
  labels: tf.Tensor,
  options?: O,
): LossResult<O> {
  return finishLoss(SPEC, options ?? {}, () => {
    const [p, y] = predictionsAndLabels(SPEC.fn, predictions, labels);
    return tf.abs(tf.sub(p, y));
  }) as LossResult<O>;
}
