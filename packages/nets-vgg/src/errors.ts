// The typed errors of @tfslim/nets-vgg; each carries a stable `code` (see the README).
import { codedError } from '@tfslim/errors';

/**
 * Options a VGG net or `vggArgScope` cannot use: an unknown option, a `numClasses` that is
 * not a count, a `dropoutKeepProb` outside (0, 1], a negative `weightDecay`. Code
 * `INVALID_ARGUMENT`.
 *
 * @example
 * try { vgg16(images, { dropoutKeepProb: 0 }); } catch (e) { e instanceof VggOptionsError; } // true
 */
export class VggOptionsError extends codedError('INVALID_ARGUMENT') {
  override readonly name = 'VggOptionsError';
}

/**
 * Images a VGG net cannot run on: not a live float32 rank-4 NHWC tensor, or too small for the
 * pools and fc6 (or for `spatialSqueeze`). Code `INVALID_INPUT`.
 *
 * @example
 * try { vgg16(tf.zeros([224, 224, 3])); } catch (e) { e instanceof VggInputError; } // true
 */
export class VggInputError extends codedError('INVALID_INPUT') {
  override readonly name = 'VggInputError';
}
