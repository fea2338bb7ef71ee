// L2 weight decay outside autodiff: its gradient (scale * w) added to the data gradient in place.
import * as tf from '@tensorflow/tfjs-core';
import type { LossCollection } from '@tfslim/losses';
import { APPLY_GRADIENT_DESCENT, l2TermOf, type L2Term } from '@tfslim/variables';
import { LearningError } from './errors.js';

const FN = 'createTrainOp';

/** A train step's total loss and the L2 terms left out of its autodiff. */
export interface StepLoss {
  total: tf.Scalar;
  folded: readonly L2Term[];
}

/**
 * `t`'s value as a tensor the gradient tape has no path through (TF's stop_gradient): one
 * custom-gradient node whose only input is a constant, so backprop never reaches `t`'s nodes.
 */
function valueOffTape(t: tf.Scalar): tf.Scalar {
  const constant = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: tf.clone(t),
    gradFunc: () => [tf.zerosLike(args[0] as tf.Tensor)],
  }));
  return constant(tf.scalar(0)) as tf.Scalar;
}

/**
 * slim's `get_total_loss()` (losses, then regularization losses, one AddN: the same value),
 * with every l2Regularizer loss of a trained variable entering as a constant. Its gradient,
 * `scale * weights`, is then added by {@link addFoldedGradients}: autodiff would allocate it
 * and then its sum with the data gradient, two more weight-sized tensors (VGG16's fc6: 411 MB
 * each, at the peak of the step). Returns the total and the folded terms.
 */
export function totalLossFoldingL2(
  losses: LossCollection,
  trained: readonly tf.Variable[],
): StepLoss {
  const folded: L2Term[] = [];
  const regularization = losses.getRegularizationLosses().map((loss) => {
    const term = l2TermOf(loss);
    if (term === undefined || !trained.includes(term.weights as tf.Variable)) return loss;
    folded.push(term);
    return valueOffTape(loss);
  });
  if (folded.length === 0) return { total: losses.getTotalLoss(), folded };
  return { total: tf.addN([...losses.getLosses(), ...regularization]) as tf.Scalar, folded };
}

/**
 * `gradient + scale * weights`, the float32 values autodiff's sum gives, written into the
 * gradient's memory where the backend's ApplyGradientDescent kernel can (`gradient - (-scale) *
 * weights`: wasm, tensorflow), else as a product and a sum.
 */
function addScaled(gradient: tf.Tensor, weights: tf.Tensor, scale: number): tf.Tensor {
  const oneKernel =
    gradient.dtype === 'float32' &&
    weights.dtype === 'float32' &&
    tf.util.arraysEqual(gradient.shape, weights.shape) &&
    tf.getKernel(APPLY_GRADIENT_DESCENT, tf.getBackend()) != null;
  if (oneKernel) {
    return tf
      .engine()
      .runKernel(
        APPLY_GRADIENT_DESCENT,
        { variable: gradient, delta: weights },
        { alpha: -scale },
      ) as tf.Tensor;
  }
  return tf.add(gradient, tf.mul(weights, tf.scalar(scale)));
}

/** Adds each folded L2 term's gradient to its variable's (the term alone where there is none). */
export function addFoldedGradients(grads: tf.NamedTensorMap, folded: readonly L2Term[]): void {
  for (const { weights, scale } of folded) {
    const name = (weights as tf.Variable).name;
    const gradient = grads[name];
    grads[name] =
      gradient === undefined
        ? tf.mul(weights, tf.scalar(scale))
        : addScaled(gradient, weights, scale);
  }
}

/**
 * tf.variableGrads for the train step: the loss and the gradients of `vars` (trainable ones) the
 * loss reaches, as a map by variable name, with the folded L2 gradients added.
 */
export function stepGradients(
  lossFn: () => StepLoss,
  vars: readonly tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const trainable = vars.filter((v) => v.trainable);
  let folded: readonly L2Term[] = [];
  const { value, grads } = tf.engine().gradients(
    () => {
      const step = lossFn();
      folded = step.folded;
      return step.total;
    },
    trainable,
    undefined,
    true,
  );
  const map: tf.NamedTensorMap = {};
  trainable.forEach((v, i) => {
    const g = grads[i];
    if (g != null) map[v.name] = g;
  });
  addFoldedGradients(map, folded);
  if (Object.keys(map).length === 0) {
    throw new LearningError(
      `${FN}: expected the loss to depend on the variables to train, got no gradient for any of ${trainable.length}. ` +
        'Compute the loss from the model inside totalLossFn (its variables come from the store in options.store).',
    );
  }
  return { value: value as tf.Scalar, grads: map };
}
