// The fast CRC32C agrees with the pure one at any size and alignment; TFSLIM_PURE_CRC32C picks it.
import { crc32cImplementation, fastCrc32c } from './crc-fast.js';
import { crc32c } from './crc32c.js';
import { refCrc32c } from '@tfslim-internal/testing';

describe('fast CRC32C', () => {
  it('agrees with the pure implementation on large and small inputs, chained, any alignment', async () => {
    const fast = await fastCrc32c();
    const buf = Uint8Array.from({ length: 3 << 20 }, (_, i) => (i * 2654435761) >>> 24);
    for (const [off, len] of [
      [0, buf.length],
      [1, 1 << 20],
      [3, 4095],
      [5, 4096],
      [7, 100000],
    ] as const) {
      const v = buf.subarray(off, off + len);
      expect(fast(v, 0)).toBe(crc32c(v));
      const cut = len >> 1;
      expect(fast(v.subarray(cut), fast(v.subarray(0, cut), 0))).toBe(crc32c(v));
    }
    expect(fast(buf.subarray(0, 10000), 0)).toBe(refCrc32c(buf.subarray(0, 10000)));
    console.log(`CRC32C implementation for tensor data: ${await crc32cImplementation()}`);
  });

  it('TFSLIM_PURE_CRC32C=1 selects the pure implementation', async () => {
    const prev = process.env.TFSLIM_PURE_CRC32C;
    process.env.TFSLIM_PURE_CRC32C = '1';
    try {
      await jest.isolateModulesAsync(async () => {
        const mod = await import('./crc-fast.js');
        expect(await mod.crc32cImplementation()).toBe('js');
        const f = await mod.fastCrc32c();
        expect(f(new TextEncoder().encode('123456789'), 0)).toBe(0xe3069283);
      });
    } finally {
      if (prev === undefined) delete process.env.TFSLIM_PURE_CRC32C;
      else process.env.TFSLIM_PURE_CRC32C = prev;
    }
  });
});
