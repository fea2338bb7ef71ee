// Typed errors of @tfslim/gradients: each extends TfslimError and has a stable `code`.
import { codedError } from '@tfslim/errors';

/**
 * A gradient was asked for in a way tfjs-core cannot differentiate, e.g. `tf.batchNorm`
 * recorded without `scale` or `offset`. The message says what to pass instead. Code
 * `GRADIENT_INPUT_MISSING`.
 *
 * @example
 * try { tf.grad(loss)(x); } catch (e) { if (e instanceof GradientInputError) console.log(e.code); }
 */
export class GradientInputError extends codedError('GRADIENT_INPUT_MISSING') {
  override readonly name = 'GradientInputError';
}

/**
 * tfjs-core handed a gradient other tensors than its forward kernel records (a different
 * number of upstream gradients or saved tensors): a tfjs-core version these gradients were not
 * written for. Install `@tensorflow/tfjs-core` ^4.22 (one copy: `npm ls @tensorflow/tfjs-core`).
 * Code `GRADIENT_CONTRACT`.
 */
export class GradientContractError extends codedError('GRADIENT_CONTRACT') {
  override readonly name = 'GradientContractError';
}
