// IEEE binary16 (float16, TF's DT_HALF) and bfloat16 bit patterns to and from numbers.

/**
 * Value of an IEEE half (binary16) bit pattern.
 *
 * @example
 * halfToFloat(0x3c00); // 1
 */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * Nearest IEEE half bit pattern of a number (round to nearest even, as TF casts).
 *
 * @example
 * floatToHalf(1); // 0x3c00
 */
export function floatToHalf(x: number): number {
  F32[0] = x;
  const f = U32[0]!;
  const sign = (f >>> 16) & 0x8000;
  const exp = (f >>> 23) & 0xff;
  let mant = f & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half++;
  if (half >= 0x7c00) return sign | 0x7c00;
  return sign | half;
}

/**
 * Value of a bfloat16 bit pattern (the top 16 bits of a float32).
 *
 * @example
 * bfloat16ToFloat(0x3f80); // 1
 */
export function bfloat16ToFloat(b: number): number {
  U32[0] = (b & 0xffff) << 16;
  return F32[0]!;
}

/**
 * Nearest bfloat16 bit pattern of a number (round to nearest even; NaN stays NaN).
 *
 * @example
 * floatToBfloat16(1); // 0x3f80
 */
export function floatToBfloat16(x: number): number {
  F32[0] = x;
  const f = U32[0]!;
  if ((f & 0x7fffffff) > 0x7f800000) return ((f >>> 16) | 0x40) & 0xffff;
  const rounded = f + 0x7fff + ((f >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

/**
 * Float32 values of an array of half bit patterns (e.g. a DT_HALF tensor's content).
 *
 * @example
 * halvesToFloat32(new Uint16Array([0x3c00, 0xc000])); // Float32Array [1, -2]
 */
export function halvesToFloat32(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfToFloat(bits[i]!);
  return out;
}

/**
 * Float32 values of an array of bfloat16 bit patterns.
 *
 * @example
 * bfloat16sToFloat32(new Uint16Array([0x3f80])); // Float32Array [1]
 */
export function bfloat16sToFloat32(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  const u = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) u[i] = (bits[i]! & 0xffff) << 16;
  return out;
}
