import * as tf from '@tensorflow/tfjs-core';
import { finishLoss } from '../finish.js';
import { checkMinRank, checkSameShape, oneHotFix, toFloat } from '../inputs.js';
import type { LossOptions, LossResult } from '../options.js';
import { Reduction } from '../reduction.js';

const SPEC = {
  fn: 'meanPairwiseSquaredError',
  scope: 'mean_pairwise_squared_error',
  reduction: Reduction.SUM,
} as const;

/**
 * TF-Slim's `mean_pairwise_squared_error`: for each example, with `d = predictions - labels`
 * over its n elements, `2 sum(d^2) / n - 2 (sum d)^2 / n^2` (the mean of `(d_i - d_j)^2`
 * over all ordered pairs; it ignores a constant offset). Weights are per example (scalar, [B]
 * or [B,1]); the weighted per-example values are SUMMED over the batch, slim's choice, so the
 * default reduction here is `Reduction.SUM`, not the mean. Registered as
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
  return finishLoss(SPEC, options ?? {}, () => {
    const p = toFloat(SPEC.fn, 'predictions', predictions);
    const y = toFloat(SPEC.fn, 'labels', labels);
    checkMinRank(
      SPEC.fn,
      'predictions',
      p,
      2,
      '[batch, ...values]',
      'Add a batch axis with predictions.expandDims(0).',
    );
    checkSameShape(SPEC.fn, 'predictions', p, 'labels', y, oneHotFix);
    const batch = p.shape[0] ?? 0;
    const n = batch === 0 ? 0 : p.size / batch;
    if (n === 0) return tf.zeros([batch]);
    const d = tf.reshape(tf.sub(p, y), [batch, n]);
    const sumSquares = tf.sum(tf.square(d), 1);
    const sumDiff = tf.sum(d, 1);
    return tf.sub(tf.mul(sumSquares, 2 / n), tf.mul(tf.square(sumDiff), 2 / (n * n)));
  }) as LossResult<O>;
}
