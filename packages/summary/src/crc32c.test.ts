import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesRoot, haveFixtures, refCrc32c, refMask } from '../test/helpers';
import { crc32c, maskCrc, unmaskCrc } from './crc32c';

describe('crc32c', () => {
  it('matches the published check value and RFC 3720 (iSCSI) vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('agrees with a bitwise reference at every length and alignment', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) & 0xff);
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= 300; end += 7) {
        expect(crc32c(bytes, start, end)).toBe(refCrc32c(bytes.subarray(start, end)));
      }
    }
  });

  it('continues a running CRC', () => {
    const a = new TextEncoder().encode('12345');
    const b = new TextEncoder().encode('6789');
    expect(crc32c(b, 0, b.length, crc32c(a))).toBe(0xe3069283);
  });
});

describe('maskCrc / unmaskCrc', () => {
  it('implement the formula of the spec and invert each other', () => {
    for (const c of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xe3069283, 0x12345678]) {
      expect(maskCrc(c)).toBe(refMask(c));
      expect(unmaskCrc(maskCrc(c))).toBe(c);
    }
  });

  (haveFixtures ? it : it.skip)(
    'reproduce the masked CRCs TensorFlow stored in a real event file',
    () => {
      const dir = join(fixturesRoot, 'tfevents_tf2_scalar_my_metric');
      const bytes = new Uint8Array(
        readFileSync(
          join(
            dir,
            readdirSync(dir).find((f) => f.includes('tfevents'))!,
          ),
        ),
      );
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      let pos = 0;
      let records = 0;
      while (pos < bytes.length) {
        const len = view.getUint32(pos, true);
        expect(maskCrc(crc32c(bytes, pos, pos + 8))).toBe(view.getUint32(pos + 8, true));
        expect(maskCrc(crc32c(bytes, pos + 12, pos + 12 + len))).toBe(
          view.getUint32(pos + 12 + len, true),
        );
        pos += 16 + len;
        records++;
      }
      expect(records).toBe(101);
    },
  );
});
