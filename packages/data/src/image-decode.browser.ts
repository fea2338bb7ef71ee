// JPEG and PNG decoding in a page: the browser's own decoder (createImageBitmap) read back
// through an OffscreenCanvas, colour conversion and alpha premultiplication turned off.
import * as tf from '@tensorflow/tfjs-core';
import {
  channelsOf,
  corruptImage,
  selectChannels,
  sniffImageFormat,
  type DecodeImageOptions,
} from './image-format.js';

/** Which decoder {@link decodeImage} uses: the browser's. */
export function imageDecoder(): 'tensorflow' | 'js' | 'browser' {
  return 'browser';
}

/**
 * Decodes a JPEG or PNG into an int32 tensor `[height, width, channels]` (the caller's), with
 * the browser's decoder.
 *
 * @example
 * const image = await decodeImage(bytes); // [h, w, 3] int32
 */
export async function decodeImage(
  bytes: Uint8Array,
  options: DecodeImageOptions = {},
): Promise<tf.Tensor3D> {
  const where = options.where ?? {};
  const format = sniffImageFormat(bytes);
  if (format === undefined) throw corruptImage(where, 'bytes that are neither JPEG nor PNG');
  const channels = channelsOf(options, format);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as BlobPart], { type: `image/${format}` }), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch (e) {
    throw corruptImage(where, `a ${format} the browser cannot decode`, e);
  }
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx === null) throw corruptImage(where, 'no 2d canvas to read pixels back');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return tf.tensor3d(
    selectChannels(data, width * height, 4, channels),
    [height, width, channels],
    'int32',
  );
}
