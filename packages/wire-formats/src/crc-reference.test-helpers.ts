// Bit-by-bit CRC-32C and TF's mask written out from the spec: the slow reference the fast
// implementations are checked against.

/** CRC-32C one bit at a time, continuing from `crc`. */
export function refCrc32c(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

/** TF's mask, written out again from the spec. */
export function refMask(c: number): number {
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}
