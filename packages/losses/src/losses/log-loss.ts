// logLoss: slim's log_loss.
import * as tf from '@tensorflow/tfjs-core';
import { finishLoss } from '../finish.js';
import { checkNumberOption, checkUnitLabels, predictionsAndLabels } from '../inputs.js';
import type { LabelCheckOptions, LossOptions, LossResult } from '../options.js';
import { Reduction } from '../reduction.js';

/** Options of {@link logLoss}. */
export interface LogLossOptions extends LossOptions, LabelCheckOptions {
  /** Added inside both logarithms so that p = 0 or 1 stays finite (default 1e-7, slim's). */
  epsilon?: number;
}

const SPEC = {
  fn: 'logLoss',
  scope: 'log_loss',
  reduction: Reduction.SUM_BY_NONZERO_WEIGHTS,
} as const;

/**
 * Weighted binary log loss of probabilities (slim's `log_loss`):
 * `-y log(p + eps) - (1 - y) log(1 - p + eps)`. `predictions` are probabilities in [0, 1]
 * (for logits use {@link sigmoidCrossEntropy}). Default reduction `SUM_BY_NONZERO_WEIGHTS`;
 * registered as `'log_loss'`.
 *
 * @example
 * const loss = logLoss(tf.sigmoid(logits), labels, { epsilon: 1e-7 });
 */
export function logLoss<O extends LogLossOptions = LogLossOptions>(
  predictions: tf.Tensor,
  labels: tf.Tensor,
  options?: O,
): LossResult<O> {
  const opts: LogLossOptions = options ?? {};
  const epsilon =
    opts.epsilon === undefined
      ? 1e-7
      : checkNumberOption(SPEC.fn, 'epsilon', opts.epsilon, 0, Infinity);
  return finishLoss(SPEC, opts, () => {
    const [p, y] = predictionsAndLabels(SPEC.fn, predictions, labels);
    if (opts.validateLabels === true) checkUnitLabels(SPEC.fn, 'labels', y);
    const positive = tf.mul(y, tf.log(tf.add(p, epsilon)));
    const negative = tf.mul(tf.sub(1, y), tf.log(tf.add(tf.sub(1, p), epsilon)));
    return tf.neg(tf.add(positive, negative));
  }) as LossResult<O>;
}
