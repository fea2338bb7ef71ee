// crc32c and crc32cRange against check values, RFC 3720 vectors and a bit-by-bit reference.
import { crc32c, crc32cRange, maskCrc, unmaskCrc } from './crc32c.js';
import { refCrc32c, refMask } from '@tfslim-internal/testing';

describe('crc32c', () => {
  it('matches the published check value and RFC 3720 vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // 32 zero bytes
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('agrees with a bit-by-bit reference at every length and alignment, and chains', () => {
    const buf = Uint8Array.from({ length: 300 }, (_, i) => (i * 2654435761) >>> 24);
    for (let off = 0; off < 8; off++) {
      for (const len of [0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200]) {
        const view = buf.subarray(off, off + len);
        expect(crc32c(view)).toBe(refCrc32c(view));
        const cut = len >> 1;
        expect(crc32c(view.subarray(cut), crc32c(view.subarray(0, cut)))).toBe(refCrc32c(view));
      }
    }
  });

  it('mask and unmask invert each other and follow the spec formula', () => {
    for (const c of [0, 1, 0xe3069283, 0xffffffff, 0x80000000, 0x12345678]) {
      expect(maskCrc(c)).toBe(refMask(c));
      expect(unmaskCrc(maskCrc(c))).toBe(c);
    }
    expect(maskCrc(0)).toBe(0xa282ead8);
  });
});

describe('crc32cRange', () => {
  it('is crc32c of the range, chained', () => {
    const buf = Uint8Array.from({ length: 100 }, (_, i) => (i * 37) & 0xff);
    expect(crc32cRange(buf, 3, 70)).toBe(refCrc32c(buf.subarray(3, 70)));
    expect(crc32cRange(buf, 50, 100, crc32cRange(buf, 0, 50))).toBe(refCrc32c(buf));
  });
});
