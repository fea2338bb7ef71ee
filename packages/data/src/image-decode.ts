// JPEG and PNG decoding in Node: TensorFlow's own decoders when the `tensorflow` backend
// (tfjs-node) is active, else jpeg-js and pngjs (pure JavaScript).
import * as tf from '@tensorflow/tfjs-core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import {
  channelsOf,
  corruptImage,
  selectChannels,
  sniffImageFormat,
  type DecodeImageOptions,
  type ImageFormat,
} from './image-format.js';

interface NativeImageBackend {
  decodeJpeg(
    contents: Uint8Array,
    channels: number,
    ratio: number,
    fancyUpscaling: boolean,
    tryRecoverTruncated: boolean,
    acceptableFraction: number,
    dctMethod: string,
  ): tf.Tensor3D;
  decodePng(contents: Uint8Array, channels: number): tf.Tensor3D;
}

function nativeBackend(): NativeImageBackend | undefined {
  if (tf.getBackend() !== 'tensorflow') return undefined;
  const b = tf.backend() as unknown as Partial<NativeImageBackend>;
  return typeof b.decodeJpeg === 'function' && typeof b.decodePng === 'function'
    ? (b as NativeImageBackend)
    : undefined;
}

/**
 * Which decoder {@link decodeImage} uses now: `'tensorflow'` (libjpeg/libpng inside tfjs-node,
 * bit-identical to `tf.io.decode_jpeg`/`decode_png`) or `'js'` (jpeg-js, pngjs).
 *
 * @example
 * imageDecoder(); // 'js' on the cpu and wasm backends
 */
export function imageDecoder(): 'tensorflow' | 'js' | 'browser' {
  return nativeBackend() === undefined ? 'js' : 'tensorflow';
}

/**
 * Decodes a JPEG or PNG into an int32 tensor `[height, width, channels]` of 0..255 (the
 * caller's). Bytes that are neither, or do not decode, give a {@link DataError}
 * `CORRUPT_IMAGE` naming `options.where`.
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
  if (format === undefined) throw corruptImage(where, `bytes starting ${hex(bytes)}`);
  const channels = channelsOf(options, format);
  const native = nativeBackend();
  try {
    if (native !== undefined) return decodeNative(native, bytes, format, channels);
    return format === 'jpeg' ? decodeJpegJs(bytes) : decodePngJs(bytes, channels);
  } catch (e) {
    throw corruptImage(
      where,
      `a ${format} that does not decode (${e instanceof Error ? e.message : String(e)})`,
      e,
    );
  }
}

function decodeNative(
  b: NativeImageBackend,
  bytes: Uint8Array,
  format: ImageFormat,
  channels: number,
): tf.Tensor3D {
  const raw =
    format === 'jpeg'
      ? b.decodeJpeg(bytes, channels, 1, true, false, 1, '')
      : b.decodePng(bytes, channels);
  const out = tf.cast(raw, 'int32');
  raw.dispose();
  return out;
}

function decodeJpegJs(bytes: Uint8Array): tf.Tensor3D {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false });
  const pixels = img.width * img.height;
  const from = img.data.length / pixels;
  return tf.tensor3d(
    selectChannels(img.data, pixels, from, 3),
    [img.height, img.width, 3],
    'int32',
  );
}

function decodePngJs(bytes: Uint8Array, channels: 3 | 4): tf.Tensor3D {
  const img = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const pixels = img.width * img.height;
  return tf.tensor3d(
    selectChannels(img.data, pixels, 4, channels),
    [img.height, img.width, channels],
    'int32',
  );
}

function hex(bytes: Uint8Array): string {
  return (
    [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ') || '(empty)'
  );
}
