// hingeLoss: slim's hinge_loss.
import * as tf from '@tensorflow/tfjs-core';
import { checkSameShape, checkUnitLabels, toFloat } from '../inputs.js';
import type { LabelCheckOptions } from '../options.js';

/**
 * TF-Slim's `hinge_loss`: `relu(1 - (2 y - 1) logits)` element-wise, for labels in {0, 1}.
 * UNREDUCED (the losses' shape) and NOT added to the loss collection, as in slim; reduce and
 * register it with {@link computeWeightedLoss}.
 *
 * @example
 * const perElement = hingeLoss(scores, labels01);
 * const loss = computeWeightedLoss(perElement); // mean, registered as 'weighted_loss'
 */
export function hingeLoss(
  logits: tf.Tensor,
  labels: tf.Tensor,
  options: LabelCheckOptions = {},
): tf.Tensor {
  return tf.tidy('hingeLoss', () => {
    const x = toFloat('hingeLoss', 'logits', logits);
    const y = toFloat('hingeLoss', 'labels', labels);
    checkSameShape(
      'hingeLoss',
      'logits',
      x,
      'labels',
      y,
      (a) =>
        `labels look like class ids: one-hot them with tf.oneHot(labels, ${a.shape[a.rank - 1]}) (values in {0, 1}).`,
    );
    if (options.validateLabels === true) checkUnitLabels('hingeLoss', 'labels', y);
    const signs = tf.sub(tf.mul(y, 2), 1);
    return tf.relu(tf.sub(1, tf.mul(signs, x)));
  });
}
