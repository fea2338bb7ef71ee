// meanSquaredError and sumOfSquares: slim's mean_squared_error.
import * as tf from '@tensorflow/tfjs-core';
import type { LossSpec } from '../finish.js';
import { finishLoss } from '../finish.js';
import { checkSameShape, oneHotFix, toFloat } from '../inputs.js';
import type { LossOptions, LossResult } from '../options.js';
import { Reduction } from '../reduction.js';

function squaredError(
  spec: LossSpec,
  predictions: tf.Tensor,
  labels: tf.Tensor,
  options: LossOptions,
): tf.Tensor {
  return finishLoss(spec, options, () => {
    const p = toFloat(spec.fn, 'predictions', predictions);
    const y = toFloat(spec.fn, 'labels', labels);
    checkSameShape(spec.fn, 'predictions', p, 'labels', y, oneHotFix);
    return tf.squaredDifference(p, y);
  });
}

const MSE: LossSpec = {
  fn: 'meanSquaredError',
  scope: 'mean_squared_error',
  reduction: Reduction.SUM_BY_NONZERO_WEIGHTS,
};

/**
 * Weighted squared error `(predictions - labels)^2` (slim's `mean_squared_error`). Default
 * reduction: `SUM_BY_NONZERO_WEIGHTS`, so with no weights it is the mean over EVERY element,
 * classes included: Keras's 'mse' on [B,C] outputs. For the hand-written loop's loss (sum over
 * classes, mean over the batch; C times larger) use {@link perExampleSquaredError}.
 * Registered as `'mean_squared_error'`.
 *
 * @example
 * const loss = meanSquaredError(outputs, tf.oneHot(labels, 10)); // mean over B*10 elements
 */
export function meanSquaredError<O extends LossOptions = LossOptions>(
  predictions: tf.Tensor,
  labels: tf.Tensor,
  options?: O,
): LossResult<O> {
  return squaredError(MSE, predictions, labels, options ?? {}) as LossResult<O>;
}

const SUM_OF_SQUARES: LossSpec = {
  fn: 'sumOfSquares',
  scope: 'sum_of_squares_loss',
  reduction: Reduction.SUM_BY_NONZERO_WEIGHTS,
};

/**
 * TF-Slim's old name for {@link meanSquaredError}: despite the name it is the same weighted
 * MEAN of `(predictions - labels)^2`, not a sum (kept so ported slim code gives slim's
 * numbers). Default reduction `SUM_BY_NONZERO_WEIGHTS`; registered as `'sum_of_squares_loss'`.
 *
 * @example
 * const loss = sumOfSquares(p, y); // equals meanSquaredError(p, y)
 */
export function sumOfSquares<O extends LossOptions = LossOptions>(
  predictions: tf.Tensor,
  labels: tf.Tensor,
  options?: O,
): LossResult<O> {
  return squaredError(SUM_OF_SQUARES, predictions, labels, options ?? {}) as LossResult<O>;
}
