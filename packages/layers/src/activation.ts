// Layer activations by name or function (slim's activation_fn), checked.
import * as tf from '@tensorflow/tfjs-core';
import { LayerOptionsError } from './errors.js';

/** Activations by name, as in slim's `activation_fn` (tf.nn.relu etc.). */
export type ActivationName =
  'relu' | 'relu6' | 'elu' | 'selu' | 'sigmoid' | 'tanh' | 'softmax' | 'softplus' | 'linear';

/** A named activation or any tensor -> tensor function; `null` means none (slim's `None`). */
export type Activation = ActivationName | ((x: tf.Tensor) => tf.Tensor);

const NAMES: readonly ActivationName[] = [
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'tanh',
  'softmax',
  'softplus',
  'linear',
];

/** Throws unless `a` is a known activation, a function, or null. */
export function checkActivation(fn: string, a: unknown): Activation | null {
  if (a === null || typeof a === 'function') return a as Activation | null;
  if (typeof a === 'string' && (NAMES as readonly string[]).includes(a)) return a as ActivationName;
  throw new LayerOptionsError(
    `${fn}: expected options.activation to be one of ${NAMES.join(', ')}, a function or null, ` +
      `got ${JSON.stringify(a)}.`,
  );
}

/** The tfjs fused-kernel name of an activation, when the fused conv/matmul kernels have it. */
export function fusedActivation(a: Activation | null): tf.fused.Activation | undefined {
  if (a === null || a === 'linear') return 'linear';
  if (a === 'relu' || a === 'relu6' || a === 'elu' || a === 'sigmoid') return a;
  return undefined;
}

/** Applies an activation (null: identity, returning `x` itself). */
export function applyActivation(x: tf.Tensor, a: Activation | null): tf.Tensor {
  if (a === null || a === 'linear') return x;
  if (typeof a === 'function') return a(x);
  switch (a) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'elu':
      return tf.elu(x);
    case 'selu':
      return tf.selu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'softmax':
      return tf.softmax(x);
    case 'softplus':
      return tf.softplus(x);
  }
}
