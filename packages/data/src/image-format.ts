// Image bytes: which format they are, and the typed error for bytes that do not decode.
import { DataError, type Provenance } from './errors.js';

/** The image formats decoded here. */
export type ImageFormat = 'jpeg' | 'png';

/** The format of `bytes` by its magic number, or undefined. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return 'png';
  return undefined;
}

/** Options of `decodeImage`. */
export interface DecodeImageOptions {
  /** Channels out: 3 (RGB, default) or 4 (RGBA; PNG only). */
  channels?: 3 | 4;
  /** Names the input in errors (file, record, feature). */
  where?: Provenance;
}

/** The DataError for bytes that do not decode. */
export function corruptImage(where: Provenance, got: string, cause?: unknown): DataError {
  return new DataError(
    'decodeImage',
    'CORRUPT_IMAGE',
    where,
    'a JPEG or PNG image',
    got,
    "The image is damaged or in another format: re-encode it, or pass onError: 'skip' to the map that decodes.",
    { cause },
  );
}

/** Checks the channels option; returns it. */
export function channelsOf(options: DecodeImageOptions, format: ImageFormat): 3 | 4 {
  const c = options.channels ?? 3;
  if (c !== 3 && !(c === 4 && format === 'png')) {
    throw new DataError(
      'decodeImage',
      'INVALID_ARGUMENT',
      options.where ?? {},
      `channels 3${format === 'png' ? ' or 4' : ''} for a ${format}`,
      String(c),
      'Pass channels: 3.',
    );
  }
  return c;
}

/** Pixels of `rgba`-style interleaved data with `from` channels, as `to` channels (3 or 4). */
export function selectChannels(
  data: Uint8Array,
  pixels: number,
  from: number,
  to: 3 | 4,
): Int32Array {
  const out = new Int32Array(pixels * to);
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += from, o += to) {
    if (from >= 3) {
      out[o] = data[i]!;
      out[o + 1] = data[i + 1]!;
      out[o + 2] = data[i + 2]!;
    } else {
      out[o] = out[o + 1] = out[o + 2] = data[i]!; // grayscale, replicated as TF does
    }
    if (to === 4) out[o + 3] = from === 4 ? data[i + 3]! : from === 2 ? data[i + 1]! : 255;
  }
  return out;
}
