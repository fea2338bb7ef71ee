// The options every loss takes (weights, reduction, label checks) and its result type.
import type * as tf from '@tensorflow/tfjs-core';
import type { Reduction } from './reduction.js';
import type { Weights } from './weights.js';

/** Options every reducing loss accepts. */
export interface LossOptions {
  /**
   * A number, or a tensor aligned with the per-element losses from the leading axis: scalar,
   * [B], [B,1] (squeezed) or the losses' full shape; per-class weights as [1,C].
   */
  weights?: Weights;
  /** How to reduce; each loss documents its default (TF-Slim's). */
  reduction?: Reduction;
  /** The name the loss is registered under in the active LossCollection (default: slim's). */
  scope?: string;
  /** Register the result in the active LossCollection (default true, as in slim). */
  addToCollection?: boolean;
}

/** The opt-in value check of losses whose labels are probabilities (one host read per call). */
export interface LabelCheckOptions {
  /**
   * Check on the host that every label is in [0, 1] and throw a LossInputError naming the
   * first that is not (default false: TF computes any label silently, and the check costs a
   * `dataSync` per call; turn it on while debugging a data pipeline).
   */
  validateLabels?: boolean;
}

/**
 * What a loss returns for options `O`: a `tf.Scalar`, or a `tf.Tensor` of the losses' shape
 * when `O['reduction']` may be `Reduction.NONE`.
 */
export type LossResult<O> = O extends { reduction: infer R }
  ? 'none' extends R
    ? tf.Tensor
    : tf.Scalar
  : tf.Scalar;
