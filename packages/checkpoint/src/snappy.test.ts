// snappyUncompress: valid streams, and damaged ones as SnappyError.
import { SnappyError, snappyUncompress } from './snappy.js';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const snappyjs = require('snappyjs') as { compress(b: Uint8Array): Uint8Array };

describe('snappyUncompress', () => {
  it('decodes hand-assembled streams with every tag type', () => {
    // len 3, literal "abc"
    expect([...snappyUncompress(Uint8Array.of(3, 0x08, 97, 98, 99))]).toEqual([97, 98, 99]);
    // len 10: literal "ab", copy-1 (len 8, offset 2) -> "abababababab"[0..10]
    const c1 = snappyUncompress(Uint8Array.of(10, 0x04, 97, 98, 0x01 | (4 << 2), 2));
    expect(new TextDecoder().decode(c1)).toBe('ababababab');
    // len 7: literal "abcd", copy-2 (len 3, offset 4)
    const c2 = snappyUncompress(Uint8Array.of(7, 0x0c, 97, 98, 99, 100, 0x02 | (2 << 2), 4, 0));
    expect(new TextDecoder().decode(c2)).toBe('abcdabc');
    // len 6: literal "xyz", copy-4 (len 3, offset 3)
    const c4 = snappyUncompress(Uint8Array.of(6, 0x08, 120, 121, 122, 0x03 | (2 << 2), 3, 0, 0, 0));
    expect(new TextDecoder().decode(c4)).toBe('xyzxyz');
    // literal with a 1-byte extra length (tag 60<<2): 61 bytes
    const long = new Uint8Array(61).fill(7);
    const out = snappyUncompress(Uint8Array.of(61, 60 << 2, 60, ...long));
    expect([...out]).toEqual([...long]);
    expect(snappyUncompress(Uint8Array.of(0)).length).toBe(0);
  });

  it('round-trips data compressed by an independent implementation (snappyjs)', () => {
    let seed = 1;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (const len of [1, 10, 100, 1000, 5000, 70000, 300000]) {
      // Repetitive text and runs, so every copy kind appears, plus random bytes.
      const data = new Uint8Array(len);
      for (let i = 0; i < len; i++) data[i] = i % 3 === 0 ? rnd() : (i * 7) % 50;
      const comp = snappyjs.compress(data);
      // Buffer.equals: jest's deep equality is slow on large typed arrays.
      expect(Buffer.from(snappyUncompress(comp)).equals(Buffer.from(data))).toBe(true);
    }
  });

  it('rejects damaged streams with SnappyError, never reading out of bounds', () => {
    const bad = [
      Uint8Array.of(), // no preamble
      Uint8Array.of(0x80), // truncated preamble
      Uint8Array.of(5, 0x08, 97), // literal past input
      Uint8Array.of(4, 0x01 | (0 << 2), 1), // copy before any output
      Uint8Array.of(2, 0x04, 97, 98, 0x01, 9), // offset past output
      Uint8Array.of(3, 0x08, 97, 98, 99, 0x08, 1, 2, 3), // more than declared
      Uint8Array.of(5, 0x08, 97, 98, 99), // fewer than declared
      Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0), // absurd length
      Uint8Array.of(2, 0x02 | (1 << 2), 0), // truncated copy-2
    ];
    for (const b of bad) expect(() => snappyUncompress(b)).toThrow(SnappyError);
  });
});
