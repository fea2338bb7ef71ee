// liftedStructLoss: TF-Slim's metric-learning lifted_struct_loss.
import * as tf from '@tensorflow/tfjs-core';
import { labelledDistances, numberOption } from '../metric-learning.js';
import { divNoNan } from '../reduce.js';

/** Options of {@link liftedStructLoss}. */
export interface LiftedStructLossOptions {
  /** The margin negatives should keep (default 1, slim's). */
  margin?: number;
}

/**
 * TF-Slim's `lifted_struct_loss` (Oh Song et al. 2016, "Deep Metric Learning via Lifted
 * Structured Feature Embedding") on Euclidean distances `D` between the rows of `embeddings`
 * [B, D]. For each positive pair (i, j) (same label, i != j):
 * `J = log(sum_{k neg i} exp(margin - D[i,k]) + sum_{l neg j} exp(margin - D[j,l])) + D[i,j]`,
 * and the loss is `1 / (2 P) sum_{i<j} max(J, 0)^2` over the P unordered positive pairs (slim's
 * `0.25 sum / (P_ordered / 2)`). The log-sum-exp is computed stably. `labels`: class ids [B] or
 * [B, 1]. Returns a scalar, 0 without positive pairs (TF: NaN); a pair with no negative on
 * either side contributes 0; NaN when an embedding is not finite (as TF). Not added to the loss collection (as in slim).
 *
 * @example
 * const loss = liftedStructLoss(tf.tensor1d([0, 0, 1, 1], 'int32'), embeddings);
 */
export function liftedStructLoss(
  labels: tf.Tensor,
  embeddings: tf.Tensor,
  options: LiftedStructLossOptions = {},
): tf.Scalar {
  const fn = 'liftedStructLoss';
  const margin = numberOption(fn, 'margin', options.margin, 1);
  return tf.tidy(fn, () => {
    const {
      x,
      batch,
      same,
      different: negatives,
      d,
    } = labelledDistances(fn, labels, embeddings, false);
    const diff = tf.sub(margin, d);
    // Row maximum over the negatives (the row minimum when there is none): the shift that keeps
    // every exponent <= 0.
    const rowMin = tf.min(diff, 1, true);
    const rowMax = tf.add(tf.max(tf.mul(tf.sub(diff, rowMin), negatives), 1, true), rowMin); // [B,1]
    // T_i = sum_{k neg i} exp(diff[i,k] - rowMax_i); masked entries exponentiate 0, then vanish.
    const t = tf.sum(tf.mul(tf.exp(tf.mul(tf.sub(diff, rowMax), negatives)), negatives), 1, true);
    const rowMaxT = tf.transpose(rowMax);
    const shift = tf.maximum(rowMax, rowMaxT); // [B,B]
    const total = tf.add(
      tf.mul(tf.exp(tf.sub(rowMax, shift)), t),
      tf.mul(tf.exp(tf.sub(rowMaxT, shift)), tf.transpose(t)),
    );
    const hasNegatives = tf.greater(total, 0);
    const logTotal = tf.log(tf.where(hasNegatives, total, tf.onesLike(total)));
    const j = tf.add(tf.add(shift, logTotal), d);
    const positives = tf.mul(tf.sub(same, tf.eye(batch)), tf.cast(hasNegatives, 'float32'));
    const allPositives = tf.sub(same, tf.eye(batch));
    const squares = tf.square(tf.relu(tf.mul(j, positives)));
    const loss = divNoNan(tf.mul(tf.sum(squares), 0.5), tf.sum(allPositives));
    // tfjs's max and min skip NaN (TF's propagate it), so a NaN or infinite embedding would
    // leave a finite loss here; TF's is NaN (its distances are), as are the other losses'.
    const finite = tf.all(tf.isFinite(x));
    return tf.where(finite, loss, tf.scalar(NaN)) as tf.Scalar;
  });
}
