// Reduction: how a loss reduces its per-element values (TF1's values), checked.
import { LossInputError } from './errors.js';

/**
 * How a loss turns its per-element values into what it returns. The values are TF1's
 * `tf.losses.Reduction` strings, so a name read in a TF-Slim or TF1 script maps one to one.
 *
 * - `NONE`: no reduction; the weighted per-element losses, in the losses' shape.
 * - `SUM`: sum of the weighted losses.
 * - `MEAN`: sum of the weighted losses / sum of the weights (weights broadcast to the losses'
 *   shape first). A weighted average.
 * - `SUM_OVER_BATCH_SIZE`: sum of the weighted losses / number of loss elements. Despite the
 *   name (TF's and Keras's), this divides by every element, classes included, not by the batch.
 * - `SUM_BY_NONZERO_WEIGHTS`: sum of the weighted losses / number of elements whose weight is
 *   non-zero. TF-Slim's default and the default of every reducing loss here, except
 *   `meanPairwiseSquaredError` (`SUM`, as in slim).
 *
 * Every division is "no NaN": a zero denominator gives 0.
 *
 * @example
 * const perRow = meanSquaredError(predictions, labels, { reduction: Reduction.NONE });
 * const total = meanSquaredError(predictions, labels, { reduction: Reduction.SUM });
 */
export const Reduction = {
  NONE: 'none',
  SUM: 'weighted_sum',
  MEAN: 'weighted_mean',
  SUM_OVER_BATCH_SIZE: 'weighted_sum_over_batch_size',
  SUM_BY_NONZERO_WEIGHTS: 'weighted_sum_by_nonzero_weights',
} as const;

/** One of the values of {@link Reduction}. */
export type Reduction = (typeof Reduction)[keyof typeof Reduction];

const ALLOWED: readonly string[] = Object.values(Reduction);

/**
 * Returns `reduction` when it is one of {@link Reduction}'s values, `fallback` when it is
 * undefined, and throws a {@link LossInputError} listing the allowed values otherwise (Keras
 * style: a typo or tfjs-core's numeric `tf.Reduction` never silently picks another reduction).
 */
export function validateReduction(
  functionName: string,
  reduction: unknown,
  fallback: Reduction,
): Reduction {
  if (reduction === undefined) return fallback;
  if (typeof reduction === 'string' && ALLOWED.includes(reduction)) return reduction as Reduction;
  const hint =
    typeof reduction === 'number' ? "tfjs-core's numeric tf.Reduction is not accepted here; " : '';
  const keys = Object.keys(Reduction)
    .map((k) => `Reduction.${k}`)
    .join(', ');
  throw new LossInputError(
    functionName,
    `options.reduction to be one of ${ALLOWED.map((v) => `'${v}'`).join(', ')}`,
    typeof reduction === 'string' ? `'${reduction}'` : String(reduction),
    `${hint}use ${keys} from @tfslim/losses.`,
  );
}
