// slim's preprocessing/vgg_preprocessing.py: aspect-preserving bilinear resize, a random or
// central crop, a random left-right flip, and the ImageNet RGB means subtracted.
import * as tf from '@tensorflow/tfjs-core';
import { DataError } from './errors.js';
import { randomInt, seededRandom, type Rng } from './random.js';

/** slim's `_R_MEAN`, `_G_MEAN`, `_B_MEAN`. */
export const VGG_MEANS: readonly [number, number, number] = [123.68, 116.78, 103.94];

/** Options of {@link vggPreprocess} (slim's `preprocess_image` arguments). */
export interface VggPreprocessOptions {
  /** Training (random size, crop and flip) or evaluation (central crop). Default false. */
  isTraining?: boolean;
  /** Default 224. */
  outputHeight?: number;
  /** Default 224. */
  outputWidth?: number;
  /** Smallest side's lower bound in training, and the side in evaluation (default 256). */
  resizeSideMin?: number;
  /** Smallest side's upper bound in training, inclusive (default 512). */
  resizeSideMax?: number;
  /** Random source of the training choices (default Math.random): see {@link seededRandom}. */
  rng?: Rng;
  /** Fixes the training choices instead of drawing them (to compare with TF, or to test). */
  fixed?: { resizeSide?: number; offsetHeight?: number; offsetWidth?: number; flip?: boolean };
}

/**
 * slim's `_smallest_size_at_least`: the size whose smaller side is `smallestSide`, aspect kept,
 * computed in float32 and truncated to int as TF does.
 *
 * @example
 * smallestSizeAtLeast(375, 500, 256); // [256, 341]
 */
export function smallestSizeAtLeast(
  height: number,
  width: number,
  smallestSide: number,
): [number, number] {
  const h = Math.fround(height);
  const w = Math.fround(width);
  const s = Math.fround(smallestSide);
  const scale = h > w ? Math.fround(s / w) : Math.fround(s / h);
  return [Math.trunc(Math.fround(h * scale)), Math.trunc(Math.fround(w * scale))];
}

/**
 * slim's `vgg_preprocessing.preprocess_image` for one `[height, width, 3]` image (any dtype,
 * 0..255): float32 `[outputHeight, outputWidth, 3]`. The input is not disposed; the output is
 * the caller's.
 *
 * @example
 * const x = vggPreprocess(image, { isTraining: true, rng: seededRandom(1) }); // [224, 224, 3]
 */
export function vggPreprocess(image: tf.Tensor3D, options: VggPreprocessOptions = {}): tf.Tensor3D {
  const outH = options.outputHeight ?? 224;
  const outW = options.outputWidth ?? 224;
  const sideMin = options.resizeSideMin ?? 256;
  const sideMax = options.resizeSideMax ?? 512;
  const train = options.isTraining ?? false;
  const rng = options.rng ?? seededRandom();
  const fixed = options.fixed ?? {};
  if (image.rank !== 3 || image.shape[2] !== 3) {
    throw new DataError(
      'vggPreprocess',
      'INVALID_ARGUMENT',
      {},
      'an RGB image [height, width, 3]',
      `shape [${image.shape}]`,
      'Decode with channels: 3.',
    );
  }
  const side = train ? (fixed.resizeSide ?? randomInt(rng, sideMin, sideMax + 1)) : sideMin;
  const [h, w] = smallestSizeAtLeast(image.shape[0], image.shape[1], side);
  if (h < outH || w < outW) {
    throw new DataError(
      'vggPreprocess',
      'INVALID_ARGUMENT',
      {},
      `a resized image at least ${outH}x${outW}`,
      `${h}x${w} (resize side ${side})`,
      'Use a resize side at least the output size.',
    );
  }
  const offH = train
    ? (fixed.offsetHeight ?? randomInt(rng, 0, h - outH + 1))
    : Math.floor((h - outH) / 2);
  const offW = train
    ? (fixed.offsetWidth ?? randomInt(rng, 0, w - outW + 1))
    : Math.floor((w - outW) / 2);
  const flip = train && (fixed.flip ?? rng() < 0.5);
  return tf.tidy(() => {
    const x = image.dtype === 'float32' ? image : tf.cast(image, 'float32');
    const resized = tf.image.resizeBilinear(x, [h, w], false, false);
    let crop = tf.slice(resized, [offH, offW, 0], [outH, outW, 3]);
    if (flip) crop = tf.reverse(crop, 1);
    return tf.sub(crop, tf.tensor1d([...VGG_MEANS], 'float32')) as tf.Tensor3D;
  });
}
