// computeWeightedLoss: slim's compute_weighted_loss.
import type * as tf from '@tensorflow/tfjs-core';
import { finishLoss } from '../finish.js';
import { toFloat } from '../inputs.js';
import type { LossOptions, LossResult } from '../options.js';
import { Reduction } from '../reduction.js';

const SPEC = {
  fn: 'computeWeightedLoss',
  scope: 'weighted_loss',
  reduction: Reduction.SUM_BY_NONZERO_WEIGHTS,
} as const;

/**
 * Weighs and reduces per-element `losses` the way every loss here does (slim's
 * `compute_weighted_loss`): numerator `sum(losses * weights)`; with the default
 * `SUM_BY_NONZERO_WEIGHTS`, divided by the number of elements whose (broadcast) weight is
 * non-zero, 0 when there are none. Weights align with the losses from the leading axis
 * ([B] weighs whole examples of [B, C] losses; [B,1] is squeezed; per-class weights are
 * [1, C]). Registered in the active collection as `'weighted_loss'`, as slim does.
 *
 * @example
 * const loss = computeWeightedLoss(perElement, { weights: mask, reduction: Reduction.MEAN });
 */
export function computeWeightedLoss<O extends LossOptions = LossOptions>(
  losses: tf.Tensor,
  options?: O,
): LossResult<O> {
  return finishLoss(SPEC, options ?? {}, () => toFloat(SPEC.fn, 'losses', losses)) as LossResult<O>;
}
