// registerGradients: puts every gradient of this package in tfjs-core's global registry.
import * as tf from '@tensorflow/tfjs-core';
import { activationGradients } from './activation.js';
import { arithmeticGradients } from './arithmetic.js';
import { comparisonGradients } from './comparison.js';
import { convGradients } from './conv.js';
import { imageGradients } from './image.js';
import { fusedConvGradients } from './fused-conv.js';
import { fusedMatmulGradients } from './fused-matmul.js';
import { matmulGradients } from './matmul.js';
import { normalizationGradients } from './normalization.js';
import { poolGradients } from './pool.js';
import { reductionGradients } from './reduction.js';
import { selectionGradients } from './selection.js';
import { shapeGradients } from './shape.js';
import { unaryGradients } from './unary.js';

/**
 * Kernels whose gradients a training step on slim models needs. Checked after registration so
 * a tfjs version skew fails at start-up, not in the middle of a run.
 *
 * @example
 * registerGradients();
 * if (missingGradients(TRAINING_KERNELS).length > 0) throw new Error('cannot train here');
 */
export const TRAINING_KERNELS: readonly string[] = [
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
  'BatchMatMul',
  'Conv2D',
  'Relu',
  'MaxPool',
  'AvgPool',
  'Reshape',
  'Sum',
  'Mean',
  'Square',
  'Exp',
  'Log',
  'Neg',
  'Cast',
  'Softmax',
];

/** Every gradient config tfslim provides, written against tfjs-core's public API only. */
const GRADIENT_CONFIGS: tf.GradConfig[] = [
  ...arithmeticGradients,
  ...comparisonGradients,
  ...unaryGradients,
  ...activationGradients,
  ...reductionGradients,
  ...matmulGradients,
  ...fusedMatmulGradients,
  ...convGradients,
  ...fusedConvGradients,
  ...poolGradients,
  ...shapeGradients,
  ...selectionGradients,
  ...normalizationGradients,
  ...imageGradients,
];

/**
 * Registers tfslim's gradients with tfjs-core's global gradient registry, replacing any other
 * gradient for the same kernel: tfjs-node loads `@tensorflow/tfjs`, which registers tfjs-core's
 * stock gradients, and several of those are wrong (broadcast Maximum, Minimum and
 * SquaredDifference give wrongly shaped gradients; MirrorPad, Cast, FloorDiv and Abs at 0 give
 * wrong values; dilated convolutions and rank-5 Tile throw). Idempotent: returns the kernel
 * names registered or replaced by this call, [] when tfslim's were all in place already.
 * To use a gradient of your own, register it after this (or after `selectBackend`).
 *
 * @example
 * registerGradients();
 * const dx = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2])); // [2, 4]
 */
export function registerGradients(): string[] {
  const added: string[] = [];
  for (const config of GRADIENT_CONFIGS) {
    const current = tf.getGradient(config.kernelName);
    if (current === config) continue;
    // Unregister first: re-registering a name logs "Overriding the gradient" in tfjs DEBUG mode.
    if (current != null) tf.unregisterGradient(config.kernelName);
    tf.registerGradient(config);
    added.push(config.kernelName);
  }
  return added;
}

/**
 * Kernels from `kernels` that have no registered gradient.
 *
 * @example
 * missingGradients(['Conv2D', 'MaxPool']); // [] once registerGradients() ran
 */
export function missingGradients(kernels: readonly string[] = TRAINING_KERNELS): string[] {
  return kernels.filter((name) => tf.getGradient(name) == null);
}
