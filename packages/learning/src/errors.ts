// The typed errors of @tfslim/learning; each carries a stable `code` (see the README).
import { TfslimError } from '@tfslim/errors';

/**
 * The loss of a training step was NaN or ±Infinity (TF-Slim's `check_numerics` on the total
 * loss, message `LossTensor is inf or nan`). Raised before the gradients are applied, so the
 * variables still hold the last finite step's values.
 *
 * @example
 * try { await train(trainOp, logdir, { numberOfSteps: 100 }); } catch (e) {
 *   if (e instanceof NonFiniteLossError) console.error(e.globalStep, e.loss);
 * }
 */
export class NonFiniteLossError extends TfslimError {
  /** The global step at which the loss went bad (before the increment). */
  readonly globalStep: number;
  /** The loss value read back: NaN, Infinity or -Infinity. */
  readonly loss: number;

  constructor(globalStep: number, loss: number) {
    super(
      'NON_FINITE_LOSS',
      `createTrainOp: LossTensor is inf or nan: expected a finite total loss at global step ${globalStep}, got ${loss}. ` +
        'Lower the learning rate, clip gradients (clipGradientNorm), or check the inputs and labels for NaN.',
    );
    this.name = 'NonFiniteLossError';
    this.globalStep = globalStep;
    this.loss = loss;
  }
}

/**
 * Bad arguments to a learning function (`createTrainOp`, `train`, `evaluateOnce`, ...).
 *
 * @example
 * try { createTrainOp(lossFn, optimizer, { clipGradientNorm: -1 }); } catch (e) {
 *   if (e instanceof LearningError) console.error(e.message);
 * }
 */
export class LearningError extends TfslimError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
    this.name = 'LearningError';
  }
}
