// Test helpers: how many tensors a gradient keeps alive during the backward pass.
import * as tf from '@tensorflow/tfjs-core';

/** An identity op whose gradient counts the tensors alive (over `before`) when it runs. */
function countingProbe(before: number): { probe: (t: tf.Tensor) => tf.Tensor; held: () => number } {
  let held = -1;
  const probe = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: tf.clone(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
      held = tf.memory().numTensors - before;
      return [tf.clone(dy as tf.Tensor)];
    },
  }));
  return { probe: (t) => probe(t) as tf.Tensor, held: () => held };
}

/** Tensors alive when the backward pass of f(x) starts, over those alive before `f` ran. */
export function heldForBackward(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): number {
  const { probe, held } = countingProbe(tf.memory().numTensors);
  tf.dispose(tf.grad((t: tf.Tensor) => probe(tf.sum(f(t))))(x));
  return held();
}

/**
 * Tensors alive when the backward pass of f(x, ...rest), differentiated for all inputs, reaches
 * x (the last node it differentiates), over those alive before.
 */
export function heldAtBackwardEnd(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]): number {
  const { probe, held } = countingProbe(tf.memory().numTensors);
  const loss = (x: tf.Tensor, ...rest: tf.Tensor[]) => tf.sum(f(probe(x), ...rest));
  tf.dispose(tf.grads(loss)(xs));
  return held();
}
