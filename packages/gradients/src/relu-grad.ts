// ReluGrad (dy times 1 where the ReLU's output is > 0, else 0) as one kernel where the backend has one.
import * as tf from '@tensorflow/tfjs-core';

/**
 * Name of the optional kernel `{ dy, y } -> dy * (y > 0 ? 1 : 0)` (TF's ReluGrad, whose inputs
 * are `gradients` and `features`; a ReLU's output is > 0 exactly where its input was; a NaN in
 * dy stays NaN, as TF's product keeps it).
 * Both inputs float32 and of one shape. tfslim registers it for wasm (`@tfslim/kernels-wasm`)
 * and tensorflow (`@tfslim/backend-selector`); elsewhere the mask below runs as three kernels.
 */
export const RELU_GRAD = 'ReluGrad';

/** dy times the mask y > 0 (y: the ReLU's output): one kernel where registered, else three. */
export function reluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const oneKernel =
    dy.dtype === 'float32' &&
    y.dtype === 'float32' &&
    tf.util.arraysEqual(dy.shape, y.shape) &&
    tf.getKernel(RELU_GRAD, tf.getBackend()) != null;
  if (oneKernel) return tf.engine().runKernel(RELU_GRAD, { dy, y }, {}) as tf.Tensor;
  return tf.mul(dy, tf.cast(tf.greater(y, 0), 'float32'));
}
