// cosineDistance: slim's cosine_distance.
import * as tf from '@tensorflow/tfjs-core';
import { LossInputError } from '../errors.js';
import { finishLoss } from '../finish.js';
import { checkSameShape, toFloat } from '../inputs.js';
import type { LossOptions, LossResult } from '../options.js';
import { Reduction } from '../reduction.js';

/** Options of {@link cosineDistance}: `axis` is required, as in slim. */
export interface CosineDistanceOptions extends LossOptions {
  /** The axis holding the vectors (negative counts from the end). */
  axis: number;
}

const SPEC = {
  fn: 'cosineDistance',
  scope: 'cosine_distance_loss',
  reduction: Reduction.SUM_BY_NONZERO_WEIGHTS,
} as const;

/**
 * Weighted cosine distance `1 - sum_axis(predictions * labels)` (slim's `cosine_distance`).
 * Both inputs are ASSUMED unit-normalized along `axis` (slim does not normalize; do it with
 * `tf.div(x, tf.norm(x, 'euclidean', axis, true))`). The per-element losses keep `axis` with
 * size 1 (TF's shape), so for [B, D] inputs and axis 1 they are [B, 1] (`Reduction.NONE`
 * returns [B, 1]) and weights are per example: scalar, [B] or [B, 1].
 * Default reduction `SUM_BY_NONZERO_WEIGHTS`; registered as `'cosine_distance_loss'`.
 *
 * @example
 * const loss = cosineDistance(unitPredictions, unitLabels, { axis: 1 });
 */
export function cosineDistance<O extends CosineDistanceOptions = CosineDistanceOptions>(
  predictions: tf.Tensor,
  labels: tf.Tensor,
  options: O,
): LossResult<O> {
  const opts = (options ?? {}) as Partial<CosineDistanceOptions>;
  return finishLoss(SPEC, opts, () => {
    const p = toFloat(SPEC.fn, 'predictions', predictions);
    const y = toFloat(SPEC.fn, 'labels', labels);
    checkSameShape(
      SPEC.fn,
      'predictions',
      p,
      'labels',
      y,
      'Pass predictions and labels of one shape.',
    );
    const { axis } = opts;
    if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -p.rank || axis >= p.rank) {
      throw new LossInputError(
        SPEC.fn,
        `options.axis, an integer in [${-p.rank}, ${p.rank - 1}] for inputs of rank ${p.rank}`,
        axis === undefined ? 'no axis' : String(axis),
        'Name the axis that holds the vectors, e.g. { axis: 1 } for [batch, dims] (slim requires it too).',
      );
    }
    return tf.sub(1, tf.sum(tf.mul(p, y), axis, true));
  }) as LossResult<O>;
}
