// The activation of a fused kernel (_FusedMatMul, FusedConv2D) differentiated from its output.
import * as tf from '@tensorflow/tfjs-core';
import { GradientInputError } from './errors.js';
import { reluGrad } from './relu-grad.js';

/** Activations whose derivative the output alone gives (as TF's ReluGrad, EluGrad, SigmoidGrad). */
const FROM_OUTPUT = ['linear', 'relu', 'relu6', 'elu', 'sigmoid'] as const;

/**
 * dy through the activation of `kernel`, from its output y (y > 0 exactly where the input was
 * > 0). Another activation (prelu, leakyrelu: their gradient needs the input) throws, `fix`
 * saying how to compute it instead.
 */
export function throughActivation(
  dy: tf.Tensor,
  y: tf.Tensor,
  activation: string,
  kernel: string,
  fix: string,
): tf.Tensor {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return reluGrad(dy, y);
    case 'relu6':
      return tf.mul(dy, tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 6)), 'float32'));
    case 'elu':
      return tf.where(tf.greater(y, 0), dy, tf.mul(dy, tf.add(y, 1)));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
  }
  throw new GradientInputError(
    `${kernel} gradient: expected activation one of ${FROM_OUTPUT.join(', ')}, got '${activation}'. ${fix}`,
  );
}

/** dy through a fused kernel's activation, shared by the gradients of its inputs. */
export interface ActivationGradient {
  /** The gradient (computed again if released already). */
  get(): tf.Tensor;
  /** Frees it: the thunk of the last input calls this. */
  release(): void;
}

/**
 * {@link throughActivation}, computed once for the thunks of a fused kernel's inputs and freed
 * by the thunk of its bias (the last input, as layers pass `{ ..., bias }`): tfjs keeps every
 * tensor a gradFunc makes until the whole backward pass ends, and this one (with its mask's
 * temporaries, freed here at once) is as large as the kernel's output. A thunk run after the
 * release (inputs given in another order) computes it again. Throws for an activation it
 * cannot differentiate.
 */
export function activationGradient(
  dy: tf.Tensor,
  y: tf.Tensor,
  activation: string,
  kernel: string,
  fix: string,
): ActivationGradient {
  const compute = () => tf.tidy(() => throughActivation(dy, y, activation, kernel, fix));
  let g = compute();
  return {
    get: () => {
      if (g.isDisposed) g = compute();
      return g;
    },
    // dy itself (linear) belongs to the tape's map of gradients.
    release: () => {
      if (g !== dy) g.dispose();
    },
  };
}
