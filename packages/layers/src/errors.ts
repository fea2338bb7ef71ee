/**
 * A layer was given inputs it cannot take (wrong rank or dtype, channels that do not match
 * the layer's existing weights). The message names the layer, what it expected and what it
 * received.
 *
 * @example
 * try { conv2d(tf.zeros([8, 8, 3]), 16, 3); } catch (e) { e instanceof LayerInputError; }
 */
export class LayerInputError extends Error {
  override name = 'LayerInputError';
}
