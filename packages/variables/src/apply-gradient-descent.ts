// applyGradientDescent: variable -= alpha * delta, as one kernel where the backend registers one.
import * as tf from '@tensorflow/tfjs-core';
import { VariableArgumentError, formatShape } from './errors.js';

/**
 * Name of the optional kernel `{ variable, delta }, { alpha } -> variable - alpha * delta`
 * (TF's ApplyGradientDescent). Both inputs float32 of one shape; the output has the variable's
 * shape and tfjs SGD's float32 roundings, `add(mul(scalar(-alpha), delta), variable)`: one
 * product rounded to float32, then one sum. A backend may write it into the variable's own
 * memory when no other tensor shares that data (then the output's dataId is the variable's,
 * its reference count raised once); the caller always runs `variable.assign(output)`.
 * tfslim registers it for wasm (`@tfslim/kernels-wasm`) and tensorflow
 * (`@tfslim/backend-selector`).
 */
export const APPLY_GRADIENT_DESCENT = 'ApplyGradientDescent';

const FN = 'applyGradientDescent';

/** What a wrong argument is, for the messages: `a int32 tensor`, `undefined`. */
function describe(value: unknown): string {
  if (!(value instanceof tf.Tensor)) return value === null ? 'null' : typeof value;
  return `a ${value.dtype} ${value instanceof tf.Variable ? 'variable' : 'tensor'}`;
}

function checkArguments(variable: unknown, delta: unknown, alpha: unknown): void {
  if (!(variable instanceof tf.Variable) || variable.dtype !== 'float32') {
    throw new VariableArgumentError(
      `${FN}: expected a float32 tf.Variable to update, got ${describe(variable)}. Pass the variable itself (tf.variable(...) or a store's variable).`,
    );
  }
  if (!(delta instanceof tf.Tensor) || delta.dtype !== 'float32') {
    throw new VariableArgumentError(
      `${FN}: expected delta a float32 tensor, got ${describe(delta)}. Cast it with tf.cast(delta, 'float32').`,
    );
  }
  if (!tf.util.arraysEqual(delta.shape, variable.shape)) {
    throw new VariableArgumentError(
      `${FN}: expected delta of the variable's shape ${formatShape(variable.shape)}, got ${formatShape(delta.shape)}. Pass the gradient of this variable.`,
    );
  }
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
    throw new VariableArgumentError(
      `${FN}: expected alpha a finite number (the learning rate), got ${String(alpha)}. Pass e.g. 0.01.`,
    );
  }
}

/**
 * Gradient descent on one variable, `variable -= alpha * delta`, with exactly the float32
 * values `tf.train.sgd(alpha)` computes (`add(mul(scalar(-alpha), delta), variable)`). Runs the
 * backend's `ApplyGradientDescent` kernel where one is registered (wasm and tensorflow with
 * tfslim's kernels: one kernel instead of two, in place on wasm), else those two ops.
 *
 * @example
 * const w = tf.variable(tf.tensor1d([1, 2]));
 * applyGradientDescent(w, tf.tensor1d([10, 10]), 0.01);
 * w.print(); // [0.9, 1.9]
 */
export function applyGradientDescent(variable: tf.Variable, delta: tf.Tensor, alpha: number): void {
  checkArguments(variable, delta, alpha);
  tf.tidy(() => {
    const next =
      tf.getKernel(APPLY_GRADIENT_DESCENT, tf.getBackend()) != null
        ? (tf
            .engine()
            .runKernel(APPLY_GRADIENT_DESCENT, { variable, delta }, { alpha }) as tf.Tensor)
        : tf.add(tf.mul(tf.scalar(-alpha), delta), variable);
    variable.assign(next);
  });
}
