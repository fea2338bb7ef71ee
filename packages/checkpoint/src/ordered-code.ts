// The table keys of tensor slices: TF's EncodeTensorNameSlice over OrderedCode (every slice of a
// V1 checkpoint, the slices of partitioned variables in V2 bundles).

import type { Extent } from './tensor-slice.js';

/** OrderedCode::WriteNumIncreasing: a length byte, then the value's big-endian bytes. */
function numIncreasing(out: number[], value: number): void {
  const bytes: number[] = [];
  for (let v = BigInt(value); v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  out.push(bytes.length, ...bytes);
}

/** OrderedCode::WriteString: 0x00 -> 00 ff, 0xff -> ff 00, then the terminator 00 01. */
function orderedString(out: number[], s: Uint8Array): void {
  for (const b of s) {
    if (b === 0x00) out.push(0x00, 0xff);
    else if (b === 0xff) out.push(0xff, 0x00);
    else out.push(b);
  }
  out.push(0x00, 0x01);
}

// Header bits XORed into the first two bytes of a signed number of each length (1..10).
const HEADER: ReadonlyArray<readonly [number, number]> = [
  [0, 0],
  [0x80, 0],
  [0xc0, 0],
  [0xe0, 0],
  [0xf0, 0],
  [0xf8, 0],
  [0xfc, 0],
  [0xfe, 0],
  [0xff, 0],
  [0xff, 0x80],
  [0xff, 0xc0],
];

/**
 * OrderedCode::WriteSignedNumIncreasing: the value's sign-extended big-endian bytes, as few
 * as hold 7 bits per byte (one bit less for the sign), the length in the leading bits.
 */
function signedNumIncreasing(out: number[], value: number): void {
  const v = BigInt(value);
  const x = v < 0n ? ~v : v;
  const bits = x === 0n ? 0 : x.toString(2).length;
  const len = Math.floor(bits / 7) + 1;
  const buf: number[] = [];
  const u = BigInt.asUintN(80, v); // sign-extended to 10 bytes
  for (let i = 9; i >= 0; i--) buf.push(Number((u >> BigInt(8 * i)) & 0xffn));
  const begin = buf.slice(10 - len);
  begin[0] = begin[0]! ^ HEADER[len]![0];
  if (len > 1) begin[1] = begin[1]! ^ HEADER[len]![1];
  out.push(...begin);
}

/**
 * The key of the slice `extents` of tensor `name`. A whole dimension (no length) is encoded
 * as start 0, length -1, as TensorFlow does.
 */
export function encodeTensorNameSlice(name: Uint8Array, extents: readonly Extent[]): Uint8Array {
  const out: number[] = [];
  numIncreasing(out, 0);
  orderedString(out, name);
  numIncreasing(out, extents.length);
  for (const e of extents) {
    signedNumIncreasing(out, e.length === undefined ? 0 : e.start);
    signedNumIncreasing(out, e.length ?? -1);
  }
  return Uint8Array.from(out);
}
