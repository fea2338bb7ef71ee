// The typed errors of @tfslim/layers; each carries a stable `code` (see the README).
import { codedError } from '@tfslim/errors';

/**
 * A layer was given inputs it cannot take (wrong rank or dtype, channels that do not match
 * the layer's existing weights). The message names the layer, what it expected and what it
 * received.
 *
 * @example
 * try { conv2d(tf.zeros([8, 8, 3]), 16, 3); } catch (e) { e instanceof LayerInputError; }
 */
export class LayerInputError extends codedError('INVALID_INPUT') {
  override name = 'LayerInputError';
}

/**
 * A layer was given options it cannot use (a non-positive kernel size or stride, an unknown
 * padding or activation, `keepProb` outside (0, 1], a `decay` outside [0, 1]), or `repeat` /
 * `stack` were given something that is not a layer. Code `INVALID_ARGUMENT`.
 *
 * @example
 * try { dropout(x, { keepProb: 0 }); } catch (e) { e instanceof LayerOptionsError; }
 */
export class LayerOptionsError extends codedError('INVALID_ARGUMENT') {
  override name = 'LayerOptionsError';
}
