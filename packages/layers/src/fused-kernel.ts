// When a fused kernel (_FusedMatMul, FusedConv2D) may run as one op under the gradient tape.
import * as tf from '@tensorflow/tfjs-core';

/** Activations tfslim's fused-kernel gradients differentiate (from the kernel's output). */
const TAPED_ACTIVATIONS: ReadonlySet<tf.fused.Activation> = new Set<tf.fused.Activation>([
  'linear',
  'relu',
  'relu6',
  'elu',
  'sigmoid',
]);

/**
 * Whether `kernel` with `activation` can run directly, recorded on the tape as one op: a
 * gradient for it is registered (`selectBackend` registers tfslim's) and differentiates the
 * activation. tfjs-core's `tf.fused.*` ops instead split themselves into the plain op, an add
 * and the activation whenever a gradient is recorded, each saving its inputs.
 */
export function tapesAsOneKernel(kernel: string, activation: tf.fused.Activation): boolean {
  return TAPED_ACTIVATIONS.has(activation) && tf.getGradient(kernel) != null;
}
