// Random mutations: bit flips, byte sets, truncation, insertion, deletion, duplication, runs
// of zeros or 0xff; 1 to 3 of them, biased towards the tail where footers and headers live.

/** A small seeded PRNG (uniform in [0, 1)), so a failing case is replayed by its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function mutateRandom(buf: Buffer, rnd: () => number): Buffer {
  const int = (n: number): number => Math.floor(rnd() * n);
  let b = Buffer.from(buf);
  const times = 1 + int(3);
  for (let k = 0; k < times; k++) {
    const n = b.length;
    // Bias towards the tail, where footers, handles and headers live.
    const pos = n === 0 ? 0 : rnd() < 0.4 ? Math.max(0, n - 1 - int(Math.min(n, 64))) : int(n);
    switch (int(8)) {
      case 0:
        if (n > 0) b[pos] = b[pos]! ^ (1 << int(8));
        break;
      case 1:
        if (n > 0) b[pos] = int(256);
        break;
      case 2:
        b = b.subarray(0, int(n + 1));
        break;
      case 3:
        b = Buffer.concat([
          b.subarray(0, pos),
          Buffer.from(Array.from({ length: 1 + int(8) }, () => int(256))),
          b.subarray(pos),
        ]);
        break;
      case 4:
        b = Buffer.concat([b.subarray(0, pos), b.subarray(pos + 1 + int(16))]);
        break;
      case 5: {
        const len = 1 + int(16);
        b = Buffer.concat([
          b.subarray(0, pos + len),
          b.subarray(pos, pos + len),
          b.subarray(pos + len),
        ]);
        break;
      }
      case 6:
        b.fill(0, pos, Math.min(n, pos + 1 + int(8)));
        break;
      default:
        // A varint-ish big value: long run of 0xff.
        b.fill(0xff, pos, Math.min(n, pos + 1 + int(12)));
        break;
    }
  }
  return b;
}

/** An integer in [0, n). */
export function randInt(rnd: () => number, n: number): number {
  return Math.floor(rnd() * n);
}
