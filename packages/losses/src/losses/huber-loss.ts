// huberLoss: TF's huber_loss.
import * as tf from '@tensorflow/tfjs-core';
import { finishLoss } from '../finish.js';
import { checkNumberOption, predictionsAndLabels } from '../inputs.js';
import type { LossOptions, LossResult } from '../options.js';
import { Reduction } from '../reduction.js';

/** Options of {@link huberLoss}. */
export interface HuberLossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}

const SPEC = {
  fn: 'huberLoss',
  scope: 'huber_loss',
  reduction: Reduction.SUM_BY_NONZERO_WEIGHTS,
} as const;

/**
 * Weighted Huber loss (TF core's `huber_loss`): with `e = |predictions - labels|`,
 * `0.5 e^2` where `e <= delta`, `0.5 delta^2 + delta (e - delta)` above. Default reduction
 * `SUM_BY_NONZERO_WEIGHTS`; registered as `'huber_loss'`.
 *
 * @example
 * const loss = huberLoss(boxes, targetBoxes, { delta: 1 });
 */
export function huberLoss<O extends HuberLossOptions = HuberLossOptions>(
  predictions: tf.Tensor,
  labels: tf.Tensor,
  options?: O,
): LossResult<O> {
  const opts: HuberLossOptions = options ?? {};
  const delta =
    opts.delta === undefined
      ? 1
      : checkNumberOption(SPEC.fn, 'delta', opts.delta, 0, Infinity, true);
  return finishLoss(SPEC, opts, () => {
    const [p, y] = predictionsAndLabels(SPEC.fn, predictions, labels);
    const error = tf.abs(tf.sub(p, y));
    const quadratic = tf.minimum(error, delta);
    const linear = tf.sub(error, quadratic);
    return tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, linear));
  }) as LossResult<O>;
}
