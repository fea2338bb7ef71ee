// Regularizers (slim's l1, l2, l1_l2, sum) and applyRegularization.
import * as tf from '@tensorflow/tfjs-core';
import { shared } from './shared.js';
import { VariableArgumentError } from './errors.js';

/**
 * Maps a weight tensor to a scalar loss, or null for "no loss" (slim's regularizers with
 * scale 0). Layers call it on every forward pass and hand the result to the active loss
 * sink (see `withLossSink`).
 *
 * @example
 * const reg: Regularizer = (w) => tf.mul(0.1, tf.sum(tf.abs(w)));
 */
export type Regularizer = (weights: tf.Tensor) => tf.Scalar | null;

function checkScale(fn: string, scale: number): number {
  if (typeof scale !== 'number' || !Number.isFinite(scale)) {
    throw new VariableArgumentError(
      `${fn}: expected scale to be a finite number, got ${String(scale)}.`,
    );
  }
  if (scale < 0) {
    throw new VariableArgumentError(
      `${fn}: expected scale >= 0, got ${scale}. A negative weight decay rewards large weights.`,
    );
  }
  return scale;
}

/**
 * `scale * sum(|w|)`; scale 0 gives no loss (null), as in slim.
 *
 * @example
 * l1Regularizer(0.01)(tf.tensor([1, -2])); // 0.03
 */
export function l1Regularizer(scale: number): Regularizer {
  checkScale('l1Regularizer', scale);
  if (scale === 0) return () => null;
  return (w) => tf.tidy(() => tf.mul(tf.scalar(scale), tf.sum(tf.abs(w)))) as tf.Scalar;
}

/**
 * sum(w^2) as batched dot products of w's rows with themselves, then a sum of the row results:
 * one pass over w and no weight-sized temporary, where tf.sum(tf.square(w)) writes and reads a
 * copy as large as w (timings: the README). Rows are w's trailing dims (>= 1024 values when w
 * has them): one dot product over all of w (a [1,n] x [n,1] matMul) accumulates in float32 one
 * value at a time on tfjs-cpu and drifts on large weights; per-row sums stay accurate.
 * Empty or non-float32 tensors take the plain path.
 */
function sumOfSquares(w: tf.Tensor): tf.Scalar {
  if (w.size === 0 || w.dtype !== 'float32') return tf.sum(tf.square(w));
  let row = 1;
  for (let d = w.rank - 1; d >= 0 && row < 1024; d--) row *= w.shape[d] ?? 1;
  const rows = w.size / row;
  return tf.sum(tf.matMul(tf.reshape(w, [rows, 1, row]), tf.reshape(w, [rows, row, 1])));
}

/**
 * Name of the optional kernel `{ x } -> sum(x^2) / 2` (TF's `L2Loss` op: a float32 scalar, one
 * read-only pass over x). `@tfslim/backend-selector` registers it on tensorflow (TF's own op)
 * and `@tfslim/kernels-wasm` on wasm; elsewhere sumOfSquares computes the sum.
 */
const L2_LOSS = 'L2Loss';

/** slim's `scale * tf.nn.l2_loss(w)`: TF's L2Loss where the backend has it, else the sum / 2. */
function l2Value(w: tf.Tensor, scale: number): tf.Scalar {
  if (w.dtype === 'float32' && tf.getKernel(L2_LOSS, tf.getBackend()) != null) {
    return tf.mul(tf.scalar(scale), tf.engine().runKernel(L2_LOSS, { x: w }, {}) as tf.Scalar);
  }
  return tf.mul(tf.scalar(scale / 2), sumOfSquares(w));
}

/**
 * `scale * sum(w^2) / 2` (TF's `l2_loss` has the 1/2); scale 0 gives no loss (null).
 *
 * @example
 * l2Regularizer(0.0005)(tf.tensor([1, 2])); // 0.0005 * 5 / 2 = 0.00125
 */
export function l2Regularizer(scale: number): Regularizer {
  checkScale('l2Regularizer', scale);
  if (scale === 0) return () => null;
  // The gradient is one product, scale * w * dy, where autodiff of the expression above takes
  // three weight-sized ops (broadcast dy, 2 * w, their product): on VGG16's 138M weights that is
  // 2 x 553 MB less memory traffic per step. Same value, same gradient (x2 and /2 are exact).
  const l2 = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const w = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([w]);
    return {
      value: l2Value(w, scale),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const x = saved[0] as tf.Tensor;
        return [tf.mul(x, tf.mul(dy as tf.Tensor, tf.scalar(scale)))];
      },
    };
  });
  return (w) => {
    const loss = tf.tidy(() => l2(w)) as tf.Scalar;
    l2Terms.set(loss, { weights: w, scale });
    return loss;
  };
}

/** What an {@link l2Regularizer} loss is of: its gradient is `scale * weights`. */
export interface L2Term {
  /** The tensor the regularizer was given (a layer's weights variable). */
  readonly weights: tf.Tensor;
  /** The regularizer's scale: the loss is `scale * sum(weights^2) / 2`. */
  readonly scale: number;
}

/** Per loss tensor an l2Regularizer returned, its weights and scale (see l2TermOf). */
const l2Terms: WeakMap<tf.Tensor, L2Term> = shared('l2Terms', () => new WeakMap());

/**
 * The weights and scale of a loss `l2Regularizer` returned, else undefined. A train step that
 * knows the gradient (`scale * weights`) can add it to the data gradient itself, in place,
 * instead of letting autodiff allocate it and then their sum (`createTrainOp` does).
 *
 * @example
 * const loss = l2Regularizer(0.5)(w)!;
 * l2TermOf(loss); // { weights: w, scale: 0.5 }
 */
export function l2TermOf(loss: tf.Tensor): L2Term | undefined {
  return l2Terms.get(loss);
}

/**
 * `scaleL1 * sum(|w|) + scaleL2 * sum(w^2) / 2` (slim's defaults 1.0 and 1.0).
 *
 * @example
 * l1l2Regularizer(0.01, 0.001);
 */
export function l1l2Regularizer(scaleL1 = 1.0, scaleL2 = 1.0): Regularizer {
  return sumRegularizer([l1Regularizer(scaleL1), l2Regularizer(scaleL2)]);
}

/**
 * The sum of several regularizers' losses (null when all give null).
 *
 * @example
 * sumRegularizer([l1Regularizer(0.1), l2Regularizer(0.2)]);
 */
export function sumRegularizer(regularizers: readonly Regularizer[]): Regularizer {
  return (w) => {
    const [total] = tf.tidy(() => {
      const losses = regularizers.map((r) => r(w)).filter((l): l is tf.Scalar => l != null);
      return losses.length === 0 ? [] : [losses.reduce((a, b) => tf.add(a, b))];
    });
    return total ?? null;
  };
}

/**
 * Sum of `regularizer(w)` over a list of weights (slim's `apply_regularization`); a scalar 0
 * when every term is null.
 *
 * @example
 * const penalty = applyRegularization(l2Regularizer(1e-4), getModelVariables());
 */
export function applyRegularization(
  regularizer: Regularizer,
  weightsList: readonly tf.Tensor[],
): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    for (const w of weightsList) {
      const loss = regularizer(w);
      if (loss != null) total = tf.add(total, loss);
    }
    return total;
  });
}
