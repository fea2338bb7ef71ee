// PNG encoder for 8-bit grey, RGB and RGBA images, with a pluggable zlib function (stored
// blocks by default; the Node writer passes node:zlib's deflate).
import { SummaryArgumentError } from '../errors.js';
import { adler32, crc32 } from './crc32.js';
import { concatBytes } from '@tfslim/wire-formats';

/**
 * Compresses bytes into a zlib stream (RFC 1950), e.g. node:zlib's `deflateSync`.
 *
 * @example
 * encodePng(px, h, w, 3, (raw) => zlib.deflateSync(raw));
 */
export type ZlibCompress = (raw: Uint8Array) => Uint8Array;

const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_TYPE: Readonly<Record<number, number>> = { 1: 0, 3: 2, 4: 6 };

/**
 * PNG scanlines: each row prefixed with filter byte 0 (None).
 *
 * @example
 * const raw = pngScanlines(rgb, 2, 2, 3); // 2 * (1 + 2 * 3) bytes
 */
export function pngScanlines(
  pixels: Uint8Array,
  height: number,
  width: number,
  channels: number,
): Uint8Array {
  const stride = width * channels;
  const out = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    out.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return out;
}

/**
 * A zlib stream made of stored (uncompressed) deflate blocks.
 *
 * @example
 * zlibStored(bytes); // inflates back to `bytes` with any zlib
 */
export function zlibStored(raw: Uint8Array): Uint8Array {
  const MAX = 65535;
  const blocks = Math.max(1, Math.ceil(raw.length / MAX));
  const out = new Uint8Array(2 + raw.length + blocks * 5 + 4);
  out[0] = 0x78; // CMF: deflate, 32K window
  out[1] = 0x01; // FLG: no dictionary, fastest; (0x7801 % 31 === 0)
  let pos = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * MAX;
    const len = Math.min(MAX, raw.length - start);
    out[pos++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE=00
    out[pos++] = len & 0xff;
    out[pos++] = len >>> 8;
    out[pos++] = ~len & 0xff;
    out[pos++] = (~len >>> 8) & 0xff;
    out.set(raw.subarray(start, start + len), pos);
    pos += len;
  }
  const a = adler32(raw);
  out[pos++] = a >>> 24;
  out[pos++] = (a >>> 16) & 0xff;
  out[pos++] = (a >>> 8) & 0xff;
  out[pos++] = a & 0xff;
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Assembles a PNG from an already zlib-compressed scanline stream.
 *
 * @example
 * const png = pngFromZlib(zlib.deflateSync(pngScanlines(px, h, w, 3)), h, w, 3);
 */
export function pngFromZlib(
  zlibData: Uint8Array,
  height: number,
  width: number,
  channels: number,
): Uint8Array {
  const colorType = COLOR_TYPE[channels];
  if (colorType === undefined) {
    throw new SummaryArgumentError(`encodePng: expected 1, 3 or 4 channels, got ${channels}.`);
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colorType;
  // compression 0, filter 0, interlace 0
  const parts = [
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibData),
    chunk('IEND', new Uint8Array(0)),
  ];
  return concatBytes(parts);
}

/**
 * Encodes 8-bit pixels (row-major `[height, width, channels]`, channels 1, 3 or 4) as PNG.
 *
 * @example
 * const png = encodePng(new Uint8Array([255, 0, 0]), 1, 1, 3); // one red pixel
 */
export function encodePng(
  pixels: Uint8Array,
  height: number,
  width: number,
  channels: number,
  compress: ZlibCompress = zlibStored,
): Uint8Array {
  if (pixels.length !== height * width * channels) {
    throw new SummaryArgumentError(
      `encodePng: expected ${height * width * channels} bytes for [${height}, ${width}, ${channels}], got ${pixels.length}.`,
    );
  }
  return pngFromZlib(
    compress(pngScanlines(pixels, height, width, channels)),
    height,
    width,
    channels,
  );
}
