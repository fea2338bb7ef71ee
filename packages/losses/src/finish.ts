import * as tf from '@tensorflow/tfjs-core';
import { registerLoss } from './collection.js';
import type { LossOptions } from './options.js';
import { lossValues, reduceLosses } from './reduce.js';
import type { LossValues } from './reduce.js';
import { Reduction, validateReduction } from './reduction.js';
import { prepareWeights } from './weights.js';

/** What a loss function declares about itself. */
export interface LossSpec {
  /** Public function name, for errors. */
  readonly fn: string;
  /** Slim's op scope, the default collection name. */
  readonly scope: string;
  /** Default reduction (slim's). */
  readonly reduction: Reduction;
}

/**
 * The shared tail of every reducing loss: validate the reduction, compute the per-element
 * losses, weigh and reduce them inside one tidy (no intermediate survives), then register the
 * result in the active LossCollection unless it is unreduced or the caller opted out.
 */
export function finishLoss(
  spec: LossSpec,
  options: LossOptions,
  perElement: () => tf.Tensor | LossValues,
): tf.Tensor {
  const reduction = validateReduction(spec.fn, options.reduction, spec.reduction);
  const result = tf.tidy(spec.fn, () => {
    const computed = perElement();
    const losses = computed instanceof tf.Tensor ? lossValues(computed) : computed;
    const weights = prepareWeights(spec.fn, options.weights, losses.shape);
    return reduceLosses(losses, weights, reduction);
  });
  if (reduction !== Reduction.NONE && options.addToCollection !== false) {
    registerLoss(result, options.scope ?? spec.scope);
  }
  return result;
}
