import * as tf from '@tensorflow/tfjs-core';
import { tapesAsOneKernel } from './fused-kernel.js';

/**
 * `activation(a · b + bias)` as one `_FusedMatMul` kernel, in training too. tfjs-core's
 * `tf.fused.matMul` splits itself into matMul, add and the activation whenever a gradient is
 * recorded (each saving its inputs), which on a small layer costs more than the arithmetic.
 * When a gradient for `_FusedMatMul` is registered (`selectBackend` registers tfslim's) the
 * kernel runs directly and the tape differentiates it as one op; otherwise, or for another
 * activation, this is `tf.fused.matMul`. Same kernels forward, so the same numbers.
 */
export function fusedMatMul(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  bias: tf.Tensor | undefined,
  activation: tf.fused.Activation,
): tf.Tensor2D {
  if (tapesAsOneKernel(tf._FusedMatMul, activation)) {
    const inputs: tf.NamedTensorMap = bias === undefined ? { a, b } : { a, b, bias };
    const attrs = { transposeA: false, transposeB: false, activation };
    return tf.engine().runKernel(tf._FusedMatMul, inputs, attrs) as tf.Tensor2D;
  }
  const config: Parameters<typeof tf.fused.matMul>[0] = { a, b, activation };
  if (bias) config.bias = bias;
  return tf.fused.matMul(config) as tf.Tensor2D;
}
