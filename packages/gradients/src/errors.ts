// Typed errors of @tfslim/gradients: each has a stable `code` to branch on.

/**
 * A gradient was asked for in a way tfjs-core cannot differentiate, e.g. `tf.batchNorm`
 * recorded without `scale` or `offset`. The message says what to pass instead. A `TypeError`,
 * as before it had a class of its own.
 *
 * @example
 * try { tf.grad(loss)(x); } catch (e) { if (e instanceof GradientInputError) console.log(e.code); }
 */
export class GradientInputError extends TypeError {
  override readonly name = 'GradientInputError';
  readonly code = 'GRADIENT_INPUT_MISSING';
}

/**
 * tfjs-core handed a gradient other tensors than its forward kernel records (a different
 * number of upstream gradients or saved tensors): a tfjs-core version these gradients were not
 * written for. Install `@tensorflow/tfjs-core` ^4.22 (one copy: `npm ls @tensorflow/tfjs-core`).
 */
export class GradientContractError extends Error {
  override readonly name = 'GradientContractError';
  readonly code = 'GRADIENT_CONTRACT';
}
