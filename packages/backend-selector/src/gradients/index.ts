import * as tf from '@tensorflow/tfjs-core';

/**
 * Kernels whose gradients a training step on slim models needs. Checked after registration so
 * a tfjs version skew fails at start-up, not in the middle of a run.
 */
export const TRAINING_KERNELS: readonly string[] = [
  // Filled in as ./configs gains the gradients (Add, Sub, Mul, RealDiv, BatchMatMul, Conv2D, ...).
];

/** Every gradient config tfslim provides; filled in by ./configs. */
const GRADIENT_CONFIGS: tf.GradConfig[] = [];

/**
 * Registers tfslim's gradients with tfjs-core's global gradient registry. Idempotent; a
 * gradient already registered (by tfjs-node, tfjs's union bundle or a previous call) is kept.
 * Returns the kernel names that were newly registered.
 */
export function registerGradients(): string[] {
  const added: string[] = [];
  for (const config of GRADIENT_CONFIGS) {
    if (tf.getGradient(config.kernelName) == null) {
      tf.registerGradient(config);
      added.push(config.kernelName);
    }
  }
  return added;
}

/** Kernels from `kernels` that have no registered gradient. */
export function missingGradients(kernels: readonly string[] = TRAINING_KERNELS): string[] {
  return kernels.filter((name) => tf.getGradient(name) == null);
}
