// Softmax and sigmoid cross entropy with stable custom gradients, shared by the cross-entropy losses.
import * as tf from '@tensorflow/tfjs-core';

type Saved = (tensors: tf.Tensor[]) => void;

/**
 * Softmax cross entropy along the last axis, `-sum_c y_c log softmax(x)_c`, with a custom
 * gradient: the forward pass subtracts the row maximum (finite for logits of any magnitude)
 * and the backward pass is the closed form `softmax(x) * sum(y) - y` for the logits, so no log
 * of 0 or exp overflow ever reaches the tape. The labels get a zero gradient: TF's
 * `tf.compat.v1.losses.softmax_cross_entropy` stops it (tf.gradients w.r.t. the labels is None).
 */
export const softmaxCrossEntropyCore = tf.customGrad((...args: (tf.Tensor | Saved)[]) => {
  const logits = args[0] as tf.Tensor;
  const labels = args[1] as tf.Tensor;
  const save = args[2] as Saved;
  const axis = logits.rank - 1;
  const shifted = tf.sub(logits, tf.max(logits, axis, true));
  const logProbs = tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
  save([logProbs, labels]);
  const value = tf.neg(tf.sum(tf.mul(labels, logProbs), axis));
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [savedLogProbs, savedLabels] = saved as [tf.Tensor, tf.Tensor];
    const dyColumn = tf.expandDims(dy, -1);
    const probs = tf.exp(savedLogProbs);
    const labelMass = tf.sum(savedLabels, -1, true);
    return [
      tf.mul(dyColumn, tf.sub(tf.mul(probs, labelMass), savedLabels)),
      tf.zerosLike(savedLabels),
    ];
  };
  return { value, gradFunc };
});

/**
 * Sigmoid cross entropy of logits, element-wise, in the overflow-free form
 * `max(x, 0) - x z + log(1 + exp(-|x|))`, with the closed-form gradient `sigmoid(x) - z` for
 * the logits and `-x` for the labels.
 */
export const sigmoidCrossEntropyCore = tf.customGrad((...args: (tf.Tensor | Saved)[]) => {
  const logits = args[0] as tf.Tensor;
  const labels = args[1] as tf.Tensor;
  const save = args[2] as Saved;
  save([logits, labels]);
  const value = tf.add(
    tf.sub(tf.relu(logits), tf.mul(logits, labels)),
    tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
  );
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [x, z] = saved as [tf.Tensor, tf.Tensor];
    return [tf.mul(dy, tf.sub(tf.sigmoid(x), z)), tf.mul(dy, tf.neg(x))];
  };
  return { value, gradFunc };
});
