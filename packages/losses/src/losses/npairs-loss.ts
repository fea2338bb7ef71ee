// npairsLoss: TF-Slim's metric-learning npairs_loss.
import * as tf from '@tensorflow/tfjs-core';
import {
  checkEmbeddings,
  checkExampleLabels,
  checkPairShapes,
  numberOption,
  sameLabel,
} from '../metric-learning.js';
import { softmaxCrossEntropyCore } from './cross-entropy-core.js';

/** Options of {@link npairsLoss} and {@link npairsLossMultilabel}. */
export interface NpairsLossOptions {
  /** Weight of the L2 penalty on the embeddings (default 0.002, slim's). */
  regLambda?: number;
}

/**
 * The N-pairs loss of `anchor` and `positive` [B, D] with `target` [B, B] rows summing to 1 (or
 * 0): softmax cross entropy of the similarities `anchor positive^T` against the targets, averaged
 * over the rows, plus `0.25 regLambda (mean |anchor|^2 + mean |positive|^2)`.
 */
export function npairsCore(
  anchor: tf.Tensor2D,
  positive: tf.Tensor2D,
  target: tf.Tensor,
  regLambda: number,
): tf.Scalar {
  const penalty = tf.mul(
    tf.add(tf.mean(tf.sum(tf.square(anchor), 1)), tf.mean(tf.sum(tf.square(positive), 1))),
    0.25 * regLambda,
  );
  const similarity = tf.matMul(anchor, positive, false, true);
  const crossEntropy = tf.mean(softmaxCrossEntropyCore(similarity, target) as tf.Tensor);
  return tf.add(penalty, crossEntropy) as tf.Scalar;
}

/**
 * TF-Slim's `npairs_loss` (Sohn 2016, "Improved Deep Metric Learning with Multi-class N-pair
 * Loss Objective"): row i of `embeddingsAnchor` should be most similar (dot product) to the
 * rows of `embeddingsPositive` that share its label. The target distribution of row i is
 * uniform over the examples j with `labels[j] == labels[i]`; the loss is the mean softmax cross
 * entropy of `anchor positive^T` against it, plus `0.25 regLambda` times the mean squared norms
 * of both embeddings. `labels`: class ids [B] or [B, 1]. Returns a scalar; not added to the loss
 * collection (as in slim).
 *
 * @example
 * const loss = npairsLoss(tf.tensor1d([0, 1, 2], 'int32'), anchors, positives);
 */
export function npairsLoss(
  labels: tf.Tensor,
  embeddingsAnchor: tf.Tensor,
  embeddingsPositive: tf.Tensor,
  options: NpairsLossOptions = {},
): tf.Scalar {
  const fn = 'npairsLoss';
  const regLambda = numberOption(fn, 'regLambda', options.regLambda, 0.002, 0);
  return tf.tidy(fn, () => {
    const anchor = checkEmbeddings(fn, 'embeddingsAnchor', embeddingsAnchor);
    const positive = checkEmbeddings(fn, 'embeddingsPositive', embeddingsPositive);
    checkPairShapes(fn, anchor, positive);
    const same = sameLabel(checkExampleLabels(fn, labels, anchor.shape[0], 'class'));
    const target = tf.div(same, tf.sum(same, 1, true)); // the diagonal makes every sum >= 1
    return npairsCore(anchor, positive, target, regLambda);
  });
}
