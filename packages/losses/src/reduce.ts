// reduceLosses: applies weights and a reduction to per-element losses, as TF1 does.
import * as tf from '@tensorflow/tfjs-core';
import { Reduction } from './reduction.js';
import type { PreparedWeights } from './weights.js';

/**
 * Per-element losses as the reduction sees them: their shape, the tensor itself, and their
 * total, which a loss may compute without materialising the per-element tensor (e.g. a
 * per-example sum followed by a full sum is one full sum).
 */
export interface LossValues {
  readonly shape: readonly number[];
  values(): tf.Tensor;
  total(): tf.Tensor;
}

/** `LossValues` of an already computed tensor. */
export function lossValues(losses: tf.Tensor): LossValues {
  return { shape: losses.shape, values: () => losses, total: () => tf.sum(losses) };
}

/**
 * `numerator / denominator` element-wise, 0 where the denominator is 0 (TF's `div_no_nan`, also
 * for a NaN or infinite numerator), with a zero gradient there (the denominator is replaced by
 * 1 before dividing, so no 0/0 reaches the tape).
 */
export function divNoNan(numerator: tf.Tensor, denominator: tf.Tensor): tf.Tensor {
  const isZero = tf.equal(denominator, 0);
  const safe = tf.where(isZero, tf.onesLike(denominator), denominator);
  return tf.where(isZero, tf.zerosLike(numerator), tf.div(numerator, safe));
}

/**
 * Applies `weights` and `reduction` to per-element `losses` (TF-Slim's `compute_weighted_loss`
 * and TF1's reductions). Called inside a tidy; the weights were validated by `prepareWeights`.
 */
export function reduceLosses(
  lossValues: LossValues,
  weights: PreparedWeights,
  reduction: Reduction,
): tf.Tensor {
  const size = lossValues.shape.reduce((a, b) => a * b, 1);
  if (reduction === Reduction.NONE) {
    const losses = lossValues.values();
    if (weights.kind === 'none' || (weights.kind === 'number' && weights.value === 1)) {
      // A new tensor (sharing the data), never the caller's own: disposing the result must not
      // dispose an input (computeWeightedLoss of a float32 tensor would otherwise return it).
      return tf.clone(losses);
    }
    return tf.mul(losses, weights.kind === 'number' ? weights.value : weights.tensor);
  }

  if (weights.kind !== 'tensor') {
    // Weights known on the host: one sum and at most one scalar multiply.
    const w = weights.kind === 'number' ? weights.value : 1;
    const total = lossValues.total();
    switch (reduction) {
      case Reduction.SUM:
        return w === 1 ? total : tf.mul(total, w);
      case Reduction.MEAN:
        // sum(w * l) / (w * size): w cancels unless it is 0 (div-no-nan gives 0, even for
        // non-finite losses, with a zero gradient).
        if (w === 0 || size === 0) return divNoNan(total, tf.scalar(0));
        return tf.div(total, size);
      case Reduction.SUM_OVER_BATCH_SIZE:
        return size === 0 ? tf.mul(total, w) : tf.mul(total, w / size);
      case Reduction.SUM_BY_NONZERO_WEIGHTS:
        // A non-zero scalar weight counts every element: w * mean. A zero weight gives 0
        // (TF's div_no_nan: also for infinite or NaN losses, and with a zero gradient).
        if (w === 0 || size === 0) return divNoNan(total, tf.scalar(0));
        return tf.mul(total, w / size);
    }
  }

  const w = weights.tensor;
  const broadcastFactor = w.size === 0 ? 0 : size / w.size;
  const numerator = tf.sum(tf.mul(lossValues.values(), w));
  switch (reduction) {
    case Reduction.SUM:
      return numerator;
    case Reduction.SUM_OVER_BATCH_SIZE:
      return size === 0 ? numerator : tf.div(numerator, size);
    case Reduction.MEAN: {
      // Sum of the weights broadcast to the losses' shape; weights may be negative, so the
      // denominator can be 0 with non-zero weights: a full div-no-nan.
      let denominator = tf.sum(w);
      if (broadcastFactor !== 1) denominator = tf.mul(denominator, broadcastFactor);
      return divNoNan(numerator, denominator);
    }
    case Reduction.SUM_BY_NONZERO_WEIGHTS: {
      // TF's div_no_nan by the count of non-zero weights: with none, the loss is 0 even for
      // NaN or infinite losses, and its gradient (w.r.t. the weights too) is 0.
      const count = tf.sum(tf.cast(tf.notEqual(w, 0), 'float32'));
      // The count is a non-negative integer: max(count, 1) is a safe divisor (one op fewer
      // than the general divNoNan), and the where gives 0 and a zero gradient when it is 0.
      const mean = tf.where(
        tf.equal(count, 0),
        tf.zerosLike(numerator),
        tf.div(numerator, tf.maximum(count, 1)),
      );
      return broadcastFactor === 1 || broadcastFactor === 0
        ? mean
        : tf.mul(mean, 1 / broadcastFactor);
    }
  }
  return assertNever(reduction);
}

function assertNever(value: never): never {
  // eslint-disable-next-line no-restricted-syntax -- internal assert: parseReduction rejected the rest
  throw new Error(`reduceLosses: unhandled reduction ${String(value)}`);
}
