// Index picks over a small 1-D tensor on device, with TF's tie rules spelled out (tfjs leaves
// argMin's tie order to the backend).
import * as tf from '@tensorflow/tfjs-core';

/** The first index where `x` is minimal (TF `argmin`), as an int32 scalar. */
export function firstArgMin(x: tf.Tensor1D): tf.Scalar {
  const n = x.shape[0];
  const at = tf.equal(x, tf.min(x));
  return tf.min(tf.where(at, tf.range(0, n, 1, 'int32'), tf.fill([n], n, 'int32'))) as tf.Scalar;
}

/** The last index where `x` is minimal, as an int32 scalar. */
export function lastArgMin(x: tf.Tensor1D): tf.Scalar {
  const n = x.shape[0];
  const at = tf.equal(x, tf.min(x));
  return tf.max(tf.where(at, tf.range(0, n, 1, 'int32'), tf.fill([n], -1, 'int32'))) as tf.Scalar;
}

/** The first index where `x` is maximal (TF `argmax`), as an int32 scalar. */
export function firstArgMax(x: tf.Tensor1D): tf.Scalar {
  return firstArgMin(tf.neg(x) as tf.Tensor1D);
}

/** `x[i]` for an int32 scalar index `i`, as a scalar. */
export function at(x: tf.Tensor, i: tf.Scalar): tf.Scalar {
  return tf.reshape(tf.gather(x, tf.reshape(i, [1])), []) as tf.Scalar;
}
