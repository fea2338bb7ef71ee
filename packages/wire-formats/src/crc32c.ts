// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) in plain TypeScript, slicing-by-8 over
// 32-bit words: no native code, so it runs everywhere.

const TABLE = /* @__PURE__ */ makeTable();

function makeTable(): Uint32Array {
  const t = new Uint32Array(256 * 8);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 8; s++) {
      const p = t[(s - 1) * 256 + i]!;
      t[s * 256 + i] = (p >>> 8) ^ t[p & 0xff]!;
    }
  }
  return t;
}

/**
 * CRC-32C of `bytes`, continuing from `crc` (the value returned for the preceding bytes;
 * 0 to start).
 *
 * @example
 * crc32c(new TextEncoder().encode('123456789')); // 0xe3069283
 */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  const t = TABLE;
  let c = ~crc >>> 0;
  let i = 0;
  const n = bytes.length;
  // Bytes until the position is 4-aligned in the underlying buffer, then 8 bytes a step.
  while (i < n && ((bytes.byteOffset + i) & 3) !== 0) {
    c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
    i++;
  }
  const words = ((n - i) >>> 3) << 1;
  if (words > 0) {
    const w = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let k = 0; k < words; k += 2) {
      const a = w[k]! ^ c;
      const b = w[k + 1]!;
      c =
        t[1792 + (a & 0xff)]! ^
        t[1536 + ((a >>> 8) & 0xff)]! ^
        t[1280 + ((a >>> 16) & 0xff)]! ^
        t[1024 + (a >>> 24)]! ^
        t[768 + (b & 0xff)]! ^
        t[512 + ((b >>> 8) & 0xff)]! ^
        t[256 + ((b >>> 16) & 0xff)]! ^
        t[b >>> 24]!;
    }
    i += words * 4;
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const MASK_DELTA = 0xa282ead8;

/**
 * TensorFlow's masked CRC (stored in tables, bundles and event files):
 * `((c >>> 15) | (c << 17)) + 0xa282ead8`.
 *
 * @example
 * maskCrc(crc32c(bytes)); // the u32 stored beside `bytes`
 */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/**
 * Reverses {@link maskCrc}.
 *
 * @example
 * unmaskCrc(maskCrc(0x12345678)); // 0x12345678
 */
export function unmaskCrc(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

/**
 * CRC-32C of `bytes[start, end)`, continuing from `crc` (0 to start): {@link crc32c} over a
 * range, without making the subarray yourself.
 *
 * @example
 * crc32cRange(record, 0, 8); // the CRC of a TFRecord's length field
 */
export function crc32cRange(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  return crc32c(bytes.subarray(start, end), crc);
}
