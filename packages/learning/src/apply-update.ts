// The update of a train step: plain SGD as one ApplyGradientDescent per variable, else the optimizer's own.
import * as tf from '@tensorflow/tfjs-core';
import { applyGradientDescent } from '@tfslim/variables';
import type { GradientEntry } from './gradients.js';
import { optimizerLearningRate } from './learning-rate.js';

/** tfjs's Optimizer.incrementIterations is protected; applyGradients calls it once per update. */
interface IterationCounter {
  incrementIterations(): void;
}

/**
 * Applies the step's gradients to their variables. Exactly `tf.train.sgd` (not a subclass,
 * which may override applyGradients) runs `applyGradientDescent` per variable: the same float32
 * values as its applyGradients, in one kernel per variable where the backend registers
 * ApplyGradientDescent (in place on wasm) instead of two. Every other optimizer runs its own
 * applyGradients.
 */
export function applyUpdate(optimizer: tf.Optimizer, entries: readonly GradientEntry[]): void {
  if (optimizer.constructor !== tf.SGDOptimizer) {
    const map: tf.NamedTensorMap = {};
    for (const e of entries) map[e.variable.name] = e.gradient;
    optimizer.applyGradients(map);
    return;
  }
  const lr = optimizerLearningRate(optimizer);
  for (const e of entries) applyGradientDescent(e.variable, e.gradient, lr);
  // What SGDOptimizer.applyGradients does after its updates: optimizer.iterations counts steps.
  (optimizer as unknown as IterationCounter).incrementIterations();
}
