// tripletSemihardLoss: TF-Slim's metric-learning triplet_semihard_loss.
import * as tf from '@tensorflow/tfjs-core';
import { labelledDistances, numberOption } from '../metric-learning.js';
import { divNoNan } from '../reduce.js';

/** Options of {@link tripletSemihardLoss}. */
export interface TripletSemihardLossOptions {
  /** The margin between positive and negative distances (default 1, slim's). */
  margin?: number;
}

/**
 * Masked minimum along axis 2 of `data` [B, B, B] where `mask` is 1 (slim's trick: shift by the
 * maximum so masked-out entries never win); rows with no masked entry give their maximum.
 */
function maskedMin(data: tf.Tensor, mask: tf.Tensor, axis: number): tf.Tensor {
  const maximum = tf.max(data, axis, true);
  return tf.add(tf.min(tf.mul(tf.sub(data, maximum), mask), axis, true), maximum);
}

/** Masked maximum, the mirror of {@link maskedMin}; rows with no masked entry give their minimum. */
function maskedMax(data: tf.Tensor, mask: tf.Tensor, axis: number): tf.Tensor {
  const minimum = tf.min(data, axis, true);
  return tf.add(tf.max(tf.mul(tf.sub(data, minimum), mask), axis, true), minimum);
}

/**
 * TF-Slim's `triplet_semihard_loss` (FaceNet, Schroff et al. 2015) on SQUARED Euclidean
 * distances `D` between the rows of `embeddings` [B, D]. For every anchor a and positive p (same
 * label, p != a) the negative n (another label) is the semi-hard one: the closest with
 * `D[a,n] > D[a,p]`, or, when there is none, the farthest negative. The loss is the mean over
 * those (a, p) pairs of `max(margin + D[a,p] - D[a,n], 0)`. `labels` are class ids [B] or [B, 1]
 * (int32 or float32). Embeddings are usually L2-normalised. Returns a scalar, 0 when the batch
 * has no positive pair (TF: NaN); not added to the loss collection (slim's metric-learning
 * losses are not). Memory is O(B^3), as in slim.
 *
 * @example
 * const loss = tripletSemihardLoss(tf.tensor1d([0, 0, 1, 1], 'int32'), embeddings);
 */
export function tripletSemihardLoss(
  labels: tf.Tensor,
  embeddings: tf.Tensor,
  options: TripletSemihardLossOptions = {},
): tf.Scalar {
  const fn = 'tripletSemihardLoss';
  const margin = numberOption(fn, 'margin', options.margin, 1);
  return tf.tidy(fn, () => {
    const { batch, same, different, d } = labelledDistances(fn, labels, embeddings, true);
    // [a, p, n]: n is a negative of a farther from a than p is.
    const dAn = tf.reshape(d, [batch, 1, batch]);
    const dAp = tf.reshape(d, [batch, batch, 1]);
    const farther = tf.mul(
      tf.cast(tf.greater(dAn, dAp), 'float32'),
      tf.reshape(different, [batch, 1, batch]),
    );
    const tiled = tf.tile(dAn, [1, batch, 1]);
    const outside = tf.reshape(maskedMin(tiled, farther, 2), [batch, batch]);
    const hasOutside = tf.reshape(tf.greater(tf.sum(farther, 2), 0), [batch, batch]);
    const inside = tf.tile(maskedMax(d, different, 1), [1, batch]);
    const negative = tf.where(hasOutside, outside, inside);
    const positives = tf.sub(same, tf.eye(batch));
    const losses = tf.relu(tf.mul(tf.add(tf.sub(d, negative), margin), positives));
    return divNoNan(tf.sum(losses), tf.sum(positives)) as tf.Scalar;
  });
}
