// finishLoss: weighs, reduces and registers a loss the way every loss here ends.
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
  /**
   * The losses are one per example and weights of shape [B, 1, ..., 1] (TF's per-example
   * weights for inputs of any rank) are read as [B].
   */
  readonly perExampleWeights?: boolean;
}

/** [B, 1, ..., 1] weights as [B]; anything else unchanged (validated later). */
function squeezeExampleWeights(weights: unknown): unknown {
  if (!(weights instanceof tf.Tensor) || weights.isDisposed || weights.rank < 2) return weights;
  if (!weights.shape.slice(1).every((d: number) => d === 1)) return weights;
  return tf.reshape(weights, weights.shape.slice(0, 1));
}

/**
 * The shared tail of every reducing loss: validate the reduction, compute the per-element
 * losses (`perElement` receives the weights as the reduction will read them), weigh and reduce them inside one tidy (no intermediate survives), then register the
 * result in the active LossCollection unless it is unreduced or the caller opted out.
 */
export function finishLoss(
  spec: LossSpec,
  options: LossOptions,
  perElement: (weights: unknown) => tf.Tensor | LossValues,
): tf.Tensor {
  const reduction = validateReduction(spec.fn, options.reduction, spec.reduction);
  const result = tf.tidy(spec.fn, () => {
    const rawWeights =
      spec.perExampleWeights === true ? squeezeExampleWeights(options.weights) : options.weights;
    const computed = perElement(rawWeights);
    const losses = computed instanceof tf.Tensor ? lossValues(computed) : computed;
    const weights = prepareWeights(spec.fn, rawWeights, losses.shape);
    return reduceLosses(losses, weights, reduction);
  });
  if (reduction !== Reduction.NONE && options.addToCollection !== false) {
    registerLoss(result, options.scope ?? spec.scope);
  }
  return result;
}
