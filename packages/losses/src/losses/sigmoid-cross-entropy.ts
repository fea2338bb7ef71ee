// sigmoidCrossEntropy: slim's sigmoid_cross_entropy.
import * as tf from '@tensorflow/tfjs-core';
import { finishLoss } from '../finish.js';
import { checkNumberOption, checkSameShape, checkUnitLabels, toFloat } from '../inputs.js';
import type { LossResult } from '../options.js';
import { Reduction } from '../reduction.js';
import { sigmoidCrossEntropyCore } from './cross-entropy-core.js';
import type { CrossEntropyOptions } from './softmax-cross-entropy.js';

const SPEC = {
  fn: 'sigmoidCrossEntropy',
  scope: 'sigmoid_cross_entropy_loss',
  reduction: Reduction.SUM_BY_NONZERO_WEIGHTS,
} as const;

/**
 * Weighted sigmoid cross entropy of unscaled `logits` against multi-class labels in [0, 1]
 * of the same shape (slim's `sigmoid_cross_entropy`), one loss per element. Label smoothing:
 * `y (1 - ls) + 0.5 ls`. Default reduction `SUM_BY_NONZERO_WEIGHTS`; registered as
 * `'sigmoid_cross_entropy_loss'`. Stable for logits of any magnitude, gradients included.
 *
 * @example
 * const loss = sigmoidCrossEntropy(logits, multiHotLabels, { labelSmoothing: 0.1 });
 */
export function sigmoidCrossEntropy<O extends CrossEntropyOptions = CrossEntropyOptions>(
  logits: tf.Tensor,
  multiClassLabels: tf.Tensor,
  options?: O,
): LossResult<O> {
  const opts: CrossEntropyOptions = options ?? {};
  const smoothing =
    opts.labelSmoothing === undefined
      ? 0
      : checkNumberOption(SPEC.fn, 'labelSmoothing', opts.labelSmoothing, 0, 1);
  return finishLoss(SPEC, opts, () => {
    const x = toFloat(SPEC.fn, 'logits', logits);
    let y = toFloat(SPEC.fn, 'multiClassLabels', multiClassLabels);
    checkSameShape(
      SPEC.fn,
      'logits',
      x,
      'multiClassLabels',
      y,
      (a) =>
        `multiClassLabels look like class ids: for one class per example use sparseSoftmaxCrossEntropy, or one-hot them with tf.oneHot(labels, ${a.shape[a.rank - 1]}).`,
    );
    if (opts.validateLabels === true) checkUnitLabels(SPEC.fn, 'multiClassLabels', y);
    if (smoothing > 0) y = tf.add(tf.mul(y, 1 - smoothing), 0.5 * smoothing);
    return sigmoidCrossEntropyCore(x, y);
  }) as LossResult<O>;
}
