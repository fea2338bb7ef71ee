// Function-style protobuf helpers over plain arrays: one varint at a position, a varint pushed
// onto a byte list, and every field of a message at once (checkpoint tables and bundle headers).
import { ProtoDecodeError, WireFormatArgumentError } from './errors.js';

const TWO_32 = 2 ** 32;

/**
 * Reads the varint at `pos` (ending before `end`); returns [value, next position]. Values at or
 * above 2^53 throw {@link ProtoDecodeError}.
 *
 * @example
 * const [len, next] = readVarint(bytes, 0);
 */
export function readVarint(buf: Uint8Array, pos: number, end = buf.length): [number, number] {
  let lo = 0;
  let hi = 0;
  let p = pos;
  for (let i = 0; i < 10; i++) {
    if (p >= end) throw new ProtoDecodeError('truncated varint');
    const b = buf[p++]!;
    if (i < 4) {
      lo |= (b & 0x7f) << (7 * i);
    } else if (i === 4) {
      lo |= (b & 0x0f) << 28;
      hi = (b & 0x70) >>> 4;
    } else {
      hi |= (b & 0x7f) << (7 * i - 32);
    }
    if ((b & 0x80) === 0) {
      if (i === 9 && b > 1) throw new ProtoDecodeError('varint overflows 64 bits');
      hi >>>= 0;
      if (hi >= 2 ** 21) throw new ProtoDecodeError('varint above 2^53');
      return [hi * TWO_32 + (lo >>> 0), p];
    }
  }
  throw new ProtoDecodeError('varint longer than 10 bytes');
}

/**
 * Appends the varint encoding of a non-negative integer (< 2^53) to `out`.
 *
 * @example
 * const out: number[] = []; pushVarint(out, 300); // out = [0xac, 0x02]
 */
export function pushVarint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new WireFormatArgumentError(
      `pushVarint: expected a non-negative safe integer, got ${value}. Pass an integer in [0, 2^53).`,
    );
  }
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** Field of a decoded message: wire type 0 and 5 give `value`, 2 gives `bytes` (and its length as `value`), 1 gives its 8 `bytes`. */
export interface ProtoField {
  field: number;
  wire: number;
  value: number;
  bytes: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/**
 * Decodes every field of a message, unknown ones too, in order.
 *
 * @example
 * for (const f of decodeFields(bytes)) if (f.field === 1) dtype = f.value;
 */
export function decodeFields(buf: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let p = 0;
  const n = buf.length;
  while (p < n) {
    const [key, p1] = readVarint(buf, p, n);
    p = p1;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) throw new ProtoDecodeError('field number 0');
    if (wire === 0) {
      const [v, p2] = readVarint(buf, p, n);
      p = p2;
      out.push({ field, wire, value: v, bytes: EMPTY });
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, p, n);
      if (p2 + len > n) throw new ProtoDecodeError('length-delimited field runs past the message');
      out.push({ field, wire, value: len, bytes: buf.subarray(p2, p2 + len) });
      p = p2 + len;
    } else if (wire === 5) {
      if (p + 4 > n) throw new ProtoDecodeError('truncated fixed32');
      const v = (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
      out.push({ field, wire, value: v, bytes: EMPTY });
      p += 4;
    } else if (wire === 1) {
      if (p + 8 > n) throw new ProtoDecodeError('truncated fixed64');
      out.push({ field, wire, value: 0, bytes: buf.subarray(p, p + 8) });
      p += 8;
    } else {
      throw new ProtoDecodeError(`unsupported wire type ${wire}`);
    }
  }
  return out;
}
