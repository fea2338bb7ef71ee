// Minimal protobuf wire format: varints (as JS numbers, exact up to 2^53), fixed32,
// length-delimited fields, and skipping unknown fields. Errors throw ProtoError, which the
// callers turn into CheckpointCorruptError with the file and tensor.

/** Malformed protobuf or varint bytes. */
export class ProtoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtoError';
  }
}

const TWO_32 = 2 ** 32;

/** Reads a varint at `pos`; returns [value, next position]. Values above 2^53 throw. */
export function readVarint(buf: Uint8Array, pos: number, end = buf.length): [number, number] {
  let lo = 0;
  let hi = 0;
  let p = pos;
  for (let i = 0; i < 10; i++) {
    if (p >= end) throw new ProtoError('truncated varint');
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
      if (i === 9 && b > 1) throw new ProtoError('varint overflows 64 bits');
      hi >>>= 0;
      if (hi >= 2 ** 21) throw new ProtoError('varint above 2^53');
      return [hi * TWO_32 + (lo >>> 0), p];
    }
  }
  throw new ProtoError('varint longer than 10 bytes');
}

/** Appends the varint encoding of a non-negative integer (< 2^53) to `out`. */
export function pushVarint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`varint: expected a non-negative safe integer, got ${value}`);
  }
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** Field of a decoded message: wire type 0 gives `value`, 2 gives `bytes`, 5 gives `value`. */
export interface ProtoField {
  field: number;
  wire: number;
  value: number;
  bytes: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** Decodes every field of a message (unknown ones too); fixed64 fields come back as bytes. */
export function decodeFields(buf: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let p = 0;
  const n = buf.length;
  while (p < n) {
    const [key, p1] = readVarint(buf, p, n);
    p = p1;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) throw new ProtoError('field number 0');
    if (wire === 0) {
      const [v, p2] = readVarint(buf, p, n);
      p = p2;
      out.push({ field, wire, value: v, bytes: EMPTY });
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, p, n);
      if (p2 + len > n) throw new ProtoError('length-delimited field runs past the message');
      out.push({ field, wire, value: len, bytes: buf.subarray(p2, p2 + len) });
      p = p2 + len;
    } else if (wire === 5) {
      if (p + 4 > n) throw new ProtoError('truncated fixed32');
      const v = (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
      out.push({ field, wire, value: v, bytes: EMPTY });
      p += 4;
    } else if (wire === 1) {
      if (p + 8 > n) throw new ProtoError('truncated fixed64');
      out.push({ field, wire, value: 0, bytes: buf.subarray(p, p + 8) });
      p += 8;
    } else {
      throw new ProtoError(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

/** Builds a message field by field, in the order the calls are made. */
export class ProtoWriter {
  private readonly out: number[] = [];

  varint(field: number, value: number): this {
    pushVarint(this.out, field * 8);
    pushVarint(this.out, value);
    return this;
  }

  fixed32(field: number, value: number): this {
    pushVarint(this.out, field * 8 + 5);
    const v = value >>> 0;
    this.out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    return this;
  }

  bytes(field: number, value: Uint8Array | number[]): this {
    pushVarint(this.out, field * 8 + 2);
    pushVarint(this.out, value.length);
    for (const b of value) this.out.push(b);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}
