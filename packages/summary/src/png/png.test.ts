// PNG encoding: checksums, zlib streams and pixels round-tripped through node:zlib.
import * as zlib from 'node:zlib';
import { adler32, crc32 } from './crc32';
import { encodePng, zlibStored } from './encode';
import { readPng, sameBytes } from '../../test/helpers';

describe('PNG encoding', () => {
  it('crc32 and adler32 match known values and node:zlib', () => {
    const text = new TextEncoder().encode('123456789');
    expect(crc32(text)).toBe(0xcbf43926);
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398);
    const big = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) & 0xff);
    expect(crc32(big)).toBe(zlib.crc32(big));
  });

  it('zlibStored makes streams node:zlib inflates, across the 65535-byte block limit', () => {
    for (const n of [0, 1, 65535, 65536, 200_000]) {
      const raw = Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
      expect(sameBytes(zlib.inflateSync(zlibStored(raw)), raw)).toBe(true);
    }
  });

  it.each([1, 3, 4])('round-trips %i-channel pixels, stored and deflated', (c) => {
    const h = 5;
    const w = 7;
    const px = Uint8Array.from({ length: h * w * c }, (_, i) => (i * 37) & 0xff);
    for (const compress of [
      undefined,
      (raw: Uint8Array) => new Uint8Array(zlib.deflateSync(raw)),
    ]) {
      const png = readPng(encodePng(px, h, w, c, compress));
      expect(png).toEqual({ width: w, height: h, channels: c, bitDepth: 8, pixels: px });
    }
  });

  it('rejects a pixel count that does not match the shape', () => {
    expect(() => encodePng(new Uint8Array(5), 2, 2, 1)).toThrow(
      /expected 4 bytes for \[2, 2, 1\], got 5/,
    );
    expect(() => encodePng(new Uint8Array(8), 2, 2, 2)).toThrow(/1, 3 or 4 channels, got 2/);
  });
});
