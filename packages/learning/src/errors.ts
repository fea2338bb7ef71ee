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
export class NonFiniteLossError extends Error {
  /** The global step at which the loss went bad (before the increment). */
  readonly globalStep: number;
  /** The loss value read back: NaN, Infinity or -Infinity. */
  readonly loss: number;

  constructor(globalStep: number, loss: number) {
    super(
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
export class LearningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LearningError';
  }
}
