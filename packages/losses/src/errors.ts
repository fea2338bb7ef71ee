// The typed errors of @tfslim/losses; each carries a stable `code` (see the README).
import { TfslimError } from '@tfslim/errors';

/**
 * Thrown for bad arguments to a loss: mismatched shapes, wrong dtypes or ranks, unknown
 * reductions, out-of-range class ids. The message follows the one style of this project:
 * `<function>: expected <what>, got <what>. <how to fix>.`
 *
 * @example
 * try {
 *   softmaxCrossEntropy(logits, classIds);
 * } catch (e) {
 *   if (e instanceof LossInputError) console.error(e.functionName, e.message);
 * }
 */
export class LossInputError extends TfslimError {
  /** The public function that rejected its input, e.g. `'softmaxCrossEntropy'`. */
  readonly functionName: string;

  constructor(functionName: string, expected: string, got: string, fix: string) {
    super('INVALID_INPUT', `${functionName}: expected ${expected}, got ${got}. ${fix}`);
    this.name = 'LossInputError';
    this.functionName = functionName;
  }
}

/**
 * Thrown by `LossCollection.getTotalLoss` when there is nothing to add up, the eager
 * counterpart of slim's `get_total_loss` failing on an empty LOSSES collection.
 *
 * @example
 * try {
 *   new LossCollection().getTotalLoss();
 * } catch (e) {
 *   if (e instanceof EmptyLossCollectionError) console.error(e.message);
 * }
 */
export class EmptyLossCollectionError extends TfslimError {
  constructor(message: string) {
    super('EMPTY_LOSS_COLLECTION', message);
    this.name = 'EmptyLossCollectionError';
  }
}

/** `[2,3]` style, the way error messages print shapes. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
