// softmaxCrossEntropy: slim's softmax_cross_entropy, and the logits check the cross entropies share.
import * as tf from '@tensorflow/tfjs-core';
import { LossInputError, formatShape } from '../errors.js';
import { finishLoss } from '../finish.js';
import {
  checkMinRank,
  checkNumberOption,
  checkSameShape,
  checkTensor,
  checkUnitLabels,
  looksLikeClassIds,
  toFloat,
} from '../inputs.js';
import type { LabelCheckOptions, LossOptions, LossResult } from '../options.js';
import { Reduction } from '../reduction.js';
import { softmaxCrossEntropyCore } from './cross-entropy-core.js';

/** Options of {@link softmaxCrossEntropy} and {@link sigmoidCrossEntropy}. */
export interface CrossEntropyOptions extends LossOptions, LabelCheckOptions {
  /**
   * In [0, 1]. Softmax: labels become `y (1 - ls) + ls / C`. Sigmoid: `y (1 - ls) + 0.5 ls`.
   * Default 0.
   */
  labelSmoothing?: number;
}

const SPEC = {
  fn: 'softmaxCrossEntropy',
  scope: 'softmax_cross_entropy_loss',
  reduction: Reduction.SUM_BY_NONZERO_WEIGHTS,
} as const;

/** Checks and converts the logits of a softmax loss: float, rank >= 2, classes last. */
export function checkLogits(fn: string, logits: unknown): tf.Tensor {
  const x = toFloat(fn, 'logits', logits);
  checkMinRank(
    fn,
    'logits',
    x,
    2,
    '[batch, ..., classes]',
    'Add a batch axis with logits.expandDims(0).',
  );
  return x;
}

/**
 * Weighted softmax cross entropy of unscaled `logits` [B, C] (or [B, ..., C], classes last)
 * against one-hot (or probability) labels of the same shape (slim's `softmax_cross_entropy`).
 * One loss per example; `weights` are per example: scalar, [B] or [B,1]. Label smoothing:
 * `y (1 - ls) + ls / C`. Default reduction `SUM_BY_NONZERO_WEIGHTS`; registered as
 * `'softmax_cross_entropy_loss'`. Integer class ids belong to
 * {@link sparseSoftmaxCrossEntropy}. Gradients are finite for logits of any magnitude.
 *
 * @example
 * const loss = softmaxCrossEntropy(logits, tf.oneHot(classIds, 10), { labelSmoothing: 0.1 });
 */
export function softmaxCrossEntropy<O extends CrossEntropyOptions = CrossEntropyOptions>(
  logits: tf.Tensor,
  onehotLabels: tf.Tensor,
  options?: O,
): LossResult<O> {
  const opts: CrossEntropyOptions = options ?? {};
  const smoothing =
    opts.labelSmoothing === undefined
      ? 0
      : checkNumberOption(SPEC.fn, 'labelSmoothing', opts.labelSmoothing, 0, 1);
  return finishLoss(SPEC, opts, () => {
    const x = checkLogits(SPEC.fn, logits);
    const raw = checkTensor(SPEC.fn, 'onehotLabels', onehotLabels);
    const classes = x.shape[x.rank - 1] ?? 1;
    if (looksLikeClassIds(x.shape, raw.shape)) {
      throw new LossInputError(
        SPEC.fn,
        `one-hot onehotLabels of the same shape as logits ${formatShape(x.shape)}`,
        `onehotLabels of shape ${formatShape(raw.shape)} (dtype ${raw.dtype}), one class id per example`,
        `Use sparseSoftmaxCrossEntropy for integer labels, or one-hot them with tf.oneHot(labels, ${classes}).`,
      );
    }
    let y = toFloat(SPEC.fn, 'onehotLabels', raw);
    checkSameShape(
      SPEC.fn,
      'logits',
      x,
      'onehotLabels',
      y,
      'Use sparseSoftmaxCrossEntropy for integer labels.',
    );
    if (opts.validateLabels === true) checkUnitLabels(SPEC.fn, 'onehotLabels', y);
    if (smoothing > 0) y = tf.add(tf.mul(y, 1 - smoothing), smoothing / classes);
    return softmaxCrossEntropyCore(x, y);
  }) as LossResult<O>;
}
