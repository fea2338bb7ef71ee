// npairsLossMultilabel: TF-Slim's npairs_loss_multilabel.
import * as tf from '@tensorflow/tfjs-core';
import { LossInputError, formatShape } from '../errors.js';
import { checkTensor } from '../inputs.js';
import { checkEmbeddings, checkPairShapes, numberOption } from '../metric-learning.js';
import { divNoNan } from '../reduce.js';
import type { NpairsLossOptions } from './npairs-loss.js';
import { npairsCore } from './npairs-loss.js';

/**
 * TF-Slim's `npairs_loss_multilabel`: {@link npairsLoss} for examples with several labels.
 * `labels` is a dense multi-hot [B, C] tensor (slim took a list of B sparse [1, C] tensors; use
 * `tf.sparseToDense` or `tf.oneHot(...).max(1)` to build it). The target of row i weighs
 * example j by the number of classes the two share, `sum_c min(labels[i,c], labels[j,c])`,
 * normalised to sum to 1 (a row with no label at all gets a zero target and a zero loss, where
 * TF gives NaN). Plus `0.25 regLambda` times the mean squared norms. Returns a scalar; not added
 * to the loss collection.
 *
 * @example
 * const multiHot = tf.tensor2d([[1, 0, 1], [0, 1, 0], [1, 0, 0]]);
 * const loss = npairsLossMultilabel(multiHot, anchors, positives);
 */
export function npairsLossMultilabel(
  labels: tf.Tensor,
  embeddingsAnchor: tf.Tensor,
  embeddingsPositive: tf.Tensor,
  options: NpairsLossOptions = {},
): tf.Scalar {
  const fn = 'npairsLossMultilabel';
  const regLambda = numberOption(fn, 'regLambda', options.regLambda, 0.002, 0);
  return tf.tidy(fn, () => {
    const anchor = checkEmbeddings(fn, 'embeddingsAnchor', embeddingsAnchor);
    const positive = checkEmbeddings(fn, 'embeddingsPositive', embeddingsPositive);
    checkPairShapes(fn, anchor, positive);
    const batch = anchor.shape[0];
    const raw = checkTensor(fn, 'labels', labels);
    if (raw.dtype === 'string' || raw.dtype === 'complex64') {
      throw new LossInputError(
        fn,
        'multi-hot labels of a numeric dtype (float32, int32 or bool)',
        `dtype ${raw.dtype}`,
        'Pass a [batch, classes] tensor of 0 and 1.',
      );
    }
    if (raw.rank !== 2 || raw.shape[0] !== batch) {
      throw new LossInputError(
        fn,
        `multi-hot labels of shape [${batch}, classes]`,
        `labels of shape ${formatShape(raw.shape)}`,
        raw.rank === 1 && raw.shape[0] === batch
          ? 'These look like one class id per example: use npairsLoss, or one-hot them with tf.oneHot(labels, classes).'
          : 'Pass one row of 0/1 per example, one column per class.',
      );
    }
    const multiHot = raw.dtype === 'float32' ? raw : tf.cast(raw, 'float32');
    const classes = multiHot.shape[1] ?? 0;
    // Shared classes of every pair: sum_c min(l_ic, l_jc), slim's sparse_minimum then sum.
    const shared = tf.sum(
      tf.minimum(
        tf.reshape(multiHot, [batch, 1, classes]),
        tf.reshape(multiHot, [1, batch, classes]),
      ),
      2,
    );
    const target = divNoNan(shared, tf.sum(shared, 1, true));
    return npairsCore(anchor, positive, target, regLambda);
  });
}
