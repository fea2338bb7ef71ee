// zlib without node:zlib: what it writes inflates back.
import { inflateSync } from 'node:zlib';
import { zlibDeflate, zlibStored } from './deflate.js';

describe('zlib without node:zlib', () => {
  const sizes = [0, 1, 1000, 65535, 65536, 200_000];
  const data = (n: number): Uint8Array =>
    Uint8Array.from({ length: n }, (_, i) => (i * 7919) % 251);

  it.each(sizes)('stored blocks of %i bytes inflate back (zlib.inflateSync)', (n) => {
    const raw = data(n);
    expect(Buffer.from(inflateSync(zlibStored(raw))).equals(Buffer.from(raw))).toBe(true);
  });

  it.each(sizes)('zlibDeflate of %i bytes inflates back', async (n) => {
    const raw = data(n);
    expect(Buffer.from(inflateSync(await zlibDeflate(raw))).equals(Buffer.from(raw))).toBe(true);
  });
});
