// perExampleSquaredError: squared error summed per example, then averaged.
import * as tf from '@tensorflow/tfjs-core';
import { finishLoss } from '../finish.js';
import { predictionsAndLabels } from '../inputs.js';
import type { LossOptions, LossResult } from '../options.js';
import { Reduction } from '../reduction.js';

const SPEC = {
  fn: 'perExampleSquaredError',
  scope: 'per_example_squared_error',
  reduction: Reduction.SUM_BY_NONZERO_WEIGHTS,
} as const;

/**
 * Squared error SUMMED over every axis but the first (one value per example), then averaged
 * over the batch: `sum((predictions - labels)^2) / B`. This is the loss of a hand-written
 * training loop, `tf.reduce_sum(tf.square(out - onehot)) / batch_size`, and for C classes it
 * is exactly C times {@link meanSquaredError} (Keras's 'mse'), hence C times larger gradients:
 * the trap of the seed experiment, made explicit.
 *
 * Weights are per example (scalar, [B] or [B,1]). Default reduction `SUM_BY_NONZERO_WEIGHTS`
 * over the B per-example values, i.e. the mean over examples with a non-zero weight;
 * `Reduction.NONE` returns the [B] per-example sums. Registered as `'per_example_squared_error'`.
 *
 * @example
 * const outputs = model(images); // [32, 10]
 * const loss = perExampleSquaredError(outputs, tf.oneHot(labels, 10)); // = 10 * meanSquaredError
 */
export function perExampleSquaredError<O extends LossOptions = LossOptions>(
  predictions: tf.Tensor,
  labels: tf.Tensor,
  options?: O,
): LossResult<O> {
  return finishLoss(SPEC, options ?? {}, () => {
    const [p, y] = predictionsAndLabels(SPEC.fn, predictions, labels, {
      rank: 1,
      expected: 'a batch axis first',
    });
    const squared = tf.squaredDifference(p, y);
    if (p.rank === 1) return squared;
    const exampleAxes = Array.from({ length: p.rank - 1 }, (_, i) => i + 1);
    return {
      shape: p.shape.slice(0, 1),
      values: () => tf.sum(squared, exampleAxes),
      // The sum of the per-example sums is one full sum: no [B] tensor when it is not needed.
      total: () => tf.sum(squared),
    };
  }) as LossResult<O>;
}
