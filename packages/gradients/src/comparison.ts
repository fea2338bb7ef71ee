// Gradients of comparison and logical kernels: zero, as TF registers them.
import * as tf from '@tensorflow/tfjs-core';
import { savedAt, zeroGrad, type GradMap } from './util.js';

// Comparisons and logical ops output booleans: piecewise constant, so their inputs get a zero
// gradient (TF registers them as not differentiable). tfjs-core 4.22 registers a gradient only
// for GreaterEqual, so `tf.where(tf.greater(x, 0), x, y)` or `x * cast(x < c)` under tf.grad
// failed with "gradient function not found for Greater"; with these it differentiates through
// the selected branch as TF does.

function binary(kernelName: string): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy, saved): GradMap => {
      const a = savedAt(saved, 0, kernelName);
      const b = savedAt(saved, 1, kernelName);
      return { a: () => zeroGrad(a.shape), b: () => zeroGrad(b.shape) };
    },
  };
}

function unary(kernelName: string): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (_dy, saved): GradMap => {
      const x = savedAt(saved, 0, kernelName);
      return { x: () => zeroGrad(x.shape) };
    },
  };
}

/** Zero-gradient configs of comparison and logical kernels. */
export const comparisonGradients: tf.GradConfig[] = [
  binary(tf.Equal),
  binary(tf.NotEqual),
  binary(tf.Greater),
  binary(tf.GreaterEqual),
  binary(tf.Less),
  binary(tf.LessEqual),
  binary(tf.LogicalAnd),
  binary(tf.LogicalOr),
  binary(tf.LogicalXor),
  unary(tf.LogicalNot),
  unary(tf.Any),
  unary(tf.All),
];
