// Raw Snappy decompression (LevelDB and TensorFlow table blocks), every length and offset
// bounds-checked so damaged input throws SnappyError.
import { TfslimError } from '@tfslim/errors';

/** Thrown on malformed Snappy input; callers wrap it with the file and block. */
export class SnappyError extends TfslimError {
  constructor(message: string) {
    super('CORRUPT', message);
    this.name = 'SnappyError';
  }
}

// A valid stream cannot expand more than 64 output bytes per 3 input bytes (a 2-byte-offset
// copy); anything claiming more is rejected before allocating.
const MAX_EXPANSION = 22;

/**
 * Decompresses one raw Snappy buffer.
 *
 * @example
 * snappyUncompress(new Uint8Array([3, 8, 0x61, 0x62, 0x63])); // 'abc' as bytes
 */
export function snappyUncompress(input: Uint8Array): Uint8Array {
  const n = input.length;
  let pos = 0;
  // Preamble: uncompressed length, varint32.
  let length = 0;
  let shift = 0;
  for (;;) {
    if (pos >= n) throw new SnappyError('truncated length preamble');
    const b = input[pos++]!;
    if (shift === 28 && b > 0x0f) throw new SnappyError('length preamble overflows 32 bits');
    length += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  if (length > (n - pos) * MAX_EXPANSION + 64) {
    throw new SnappyError(`claims ${length} bytes from ${n} compressed bytes`);
  }
  const out = new Uint8Array(length);
  let op = 0;
  while (pos < n) {
    const tag = input[pos++]!;
    const type = tag & 3;
    if (type === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (pos + extra > n) throw new SnappyError('truncated literal length');
        len = 0;
        for (let k = 0; k < extra; k++) len += input[pos + k]! * 2 ** (8 * k);
        pos += extra;
      }
      len += 1;
      if (pos + len > n) throw new SnappyError('literal runs past the input');
      if (op + len > length) throw new SnappyError('literal runs past the declared length');
      if (len < 64) {
        // Short literals: a loop beats creating a subarray view.
        for (let k = 0; k < len; k++) out[op + k] = input[pos + k]!;
      } else {
        out.set(input.subarray(pos, pos + len), op);
      }
      pos += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (type === 1) {
      if (pos + 1 > n) throw new SnappyError('truncated copy');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos]!;
      pos += 1;
    } else if (type === 2) {
      if (pos + 2 > n) throw new SnappyError('truncated copy');
      len = (tag >>> 2) + 1;
      offset = input[pos]! | (input[pos + 1]! << 8);
      pos += 2;
    } else {
      if (pos + 4 > n) throw new SnappyError('truncated copy');
      len = (tag >>> 2) + 1;
      offset =
        (input[pos]! |
          (input[pos + 1]! << 8) |
          (input[pos + 2]! << 16) |
          (input[pos + 3]! << 24)) >>>
        0;
      pos += 4;
    }
    if (offset === 0 || offset > op) throw new SnappyError(`copy offset ${offset} at output ${op}`);
    if (op + len > length) throw new SnappyError('copy runs past the declared length');
    if (len >= 64 && offset >= len) {
      out.copyWithin(op, op - offset, op - offset + len);
      op += len;
    } else {
      // Short or overlapping copy (an overlap repeats the last `offset` bytes).
      for (let k = 0; k < len; k++, op++) out[op] = out[op - offset]!;
    }
  }
  if (op !== length) throw new SnappyError(`produced ${op} bytes, preamble says ${length}`);
  return out;
}
