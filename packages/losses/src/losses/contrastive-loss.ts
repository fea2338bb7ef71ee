// contrastiveLoss: TF-Slim's metric-learning contrastive_loss.
import * as tf from '@tensorflow/tfjs-core';
import {
  checkEmbeddings,
  checkExampleLabels,
  checkPairShapes,
  numberOption,
} from '../metric-learning.js';

/** Options of {@link contrastiveLoss}. */
export interface ContrastiveLossOptions {
  /** Dissimilar pairs closer than this are penalised (default 1, slim's). */
  margin?: number;
}

/**
 * TF-Slim's `contrastive_loss` (Hadsell, Chopra and LeCun 2006): with `d` the Euclidean
 * distance between row i of `embeddingsAnchor` and row i of `embeddingsPositive` [B, D], the
 * mean over the B pairs of `y d^2 + (1 - y) max(margin - d, 0)^2`, where `labels` [B] (or
 * [B, 1]) is 1 for a similar pair and 0 for a dissimilar one. Embeddings are usually
 * L2-normalised first. Returns a scalar; like slim's metric-learning losses it is NOT added to
 * the loss collection (add it with `collection.addLoss`). Gradients are finite for identical
 * pairs (TF's are NaN there).
 *
 * @example
 * const loss = contrastiveLoss(tf.tensor1d([1, 0]), anchors, positives, { margin: 1 });
 */
export function contrastiveLoss(
  labels: tf.Tensor,
  embeddingsAnchor: tf.Tensor,
  embeddingsPositive: tf.Tensor,
  options: ContrastiveLossOptions = {},
): tf.Scalar {
  const fn = 'contrastiveLoss';
  const margin = numberOption(fn, 'margin', options.margin, 1);
  return tf.tidy(fn, () => {
    const anchor = checkEmbeddings(fn, 'embeddingsAnchor', embeddingsAnchor);
    const positive = checkEmbeddings(fn, 'embeddingsPositive', embeddingsPositive);
    checkPairShapes(fn, anchor, positive);
    const batch = anchor.shape[0];
    const y = tf.reshape(checkExampleLabels(fn, labels, batch, 'binary'), [batch]);
    const squared = tf.sum(tf.squaredDifference(anchor, positive), 1);
    // sqrt where positive, 0 elsewhere: a finite gradient for identical pairs.
    const isPositive = tf.greater(squared, 0);
    const distance = tf.where(
      isPositive,
      tf.sqrt(tf.where(isPositive, squared, tf.onesLike(squared))),
      tf.zerosLike(squared),
    );
    const similar = tf.mul(y, squared);
    const dissimilar = tf.mul(tf.sub(1, y), tf.square(tf.relu(tf.sub(margin, distance))));
    return tf.mean(tf.add(similar, dissimilar)) as tf.Scalar;
  });
}
