// meanPairwiseSquaredError: TF's mean_pairwise_squared_error.
import * as tf from '@tensorflow/tfjs-core';
import { finishLoss } from '../finish.js';
import { predictionsAndLabels } from '../inputs.js';
import type { LossOptions, LossResult } from '../options.js';
import { divNoNan } from '../reduce.js';
import { Reduction } from '../reduction.js';
import { prepareWeights } from '../weights.js';

const SPEC = {
  fn: 'meanPairwiseSquaredError',
  scope: 'mean_pairwise_squared_error',
  reduction: Reduction.SUM,
  perExampleWeights: true,
} as const;

/**
 * TF's `mean_pairwise_squared_error` (TF 2.x `tf.compat.v1.losses`): for each example, with
 * `d = predictions - labels` over its n elements, `2 sum(d^2) / (n - 1) - 2 (sum d)^2 /
 * (n (n - 1))`, the mean of `(d_i - d_j)^2` over the n (n - 1) ordered pairs with i != j (it
 * ignores a constant offset; 0 when n = 1). Weights are per example: a scalar, [B], or
 * [B, 1, ..., 1] of the inputs' rank; an example whose weight is 0 counts no elements (its
 * value and its gradients are 0). The weighted per-example values are SUMMED over the batch,
 * so the default reduction here is `Reduction.SUM`, not the mean. Registered as
 * `'mean_pairwise_squared_error'`.
 *
 * @example
 * const loss = meanPairwiseSquaredError(depthPred, depthTrue); // summed over the batch
 */
export function meanPairwiseSquaredError<O extends LossOptions = LossOptions>(
  predictions: tf.Tensor,
  labels: tf.Tensor,
  options?: O,
): LossResult<O> {
  return finishLoss(SPEC, options ?? {}, (rawWeights) => {
    const [p, y] = predictionsAndLabels(SPEC.fn, predictions, labels, {
      rank: 2,
      expected: '[batch, ...values]',
    });
    const batch = p.shape[0] ?? 0;
    const n = batch === 0 ? 0 : p.size / batch;
    if (n === 0) return tf.zeros([batch]);
    const d = tf.reshape(tf.sub(p, y), [batch, n]);
    const sumSquares = tf.sum(tf.square(d), 1);
    const sumDiff = tf.sum(d, 1);
    // TF's num_present per example: n where the example's weight is non-zero, else 0.
    const weights = prepareWeights(SPEC.fn, rawWeights, [batch]);
    if (weights.kind !== 'tensor') {
      if (n === 1 || (weights.kind === 'number' && weights.value === 0)) {
        return tf.mul(sumSquares, 0);
      }
      return tf.sub(tf.mul(sumSquares, 2 / (n - 1)), tf.mul(tf.square(sumDiff), 2 / (n * (n - 1))));
    }
    const count = tf.mul(tf.cast(tf.notEqual(weights.tensor, 0), 'float32'), n);
    const term1 = divNoNan(sumSquares, tf.relu(tf.sub(count, 1)));
    const term2 = divNoNan(tf.square(sumDiff), tf.relu(tf.mul(count, tf.sub(count, 1))));
    return tf.mul(tf.sub(term1, term2), 2);
  }) as LossResult<O>;
}
