// A minimal protobuf decoder over a Uint8Array: iterate fields, read scalars, skip the rest.
import { ProtoDecodeError } from './errors.js';
import { WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT } from './proto-writer.js';

const decoder = new TextDecoder('utf-8');

/**
 * Cursor over one protobuf message. `next()` reads a field key and returns false at the end;
 * then read the value with the method matching `wire`, or `skip()` it.
 *
 * @example
 * const r = new ProtoReader(bytes);
 * while (r.next()) if (r.field === 3) version = r.string(); else r.skip();
 */
export class ProtoReader {
  field = 0;
  wire = 0;
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  next(): boolean {
    if (this.pos >= this.end) return false;
    const key = this.varint();
    this.field = Math.floor(key / 8);
    this.wire = key & 7;
    if (this.field === 0)
      throw new ProtoDecodeError(`protobuf: field number 0 at byte ${this.pos}`);
    return true;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) {
      throw new ProtoDecodeError(`protobuf: message ends inside a field at byte ${this.pos}`);
    }
  }

  /** Varint as its two 32-bit halves `[lo, hi]` (unsigned), for values beyond 2^53. */
  varint64(): [number, number] {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b: number;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoDecodeError(`protobuf: truncated varint`);
      b = buf[this.pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      if (b < 0x80) return [lo >>> 0, hi >>> 0];
      shift += 7;
    }
    throw new ProtoDecodeError(`protobuf: varint longer than 10 bytes`);
  }

  /** Unsigned varint (exact below 2^53). */
  varint(): number {
    const b = this.buf[this.pos];
    if (b !== undefined && b < 0x80 && this.pos < this.end) {
      this.pos++;
      return b;
    }
    const [lo, hi] = this.varint64();
    return hi * 4294967296 + lo;
  }

  /** Signed int64 varint (two's complement), exact for |v| < 2^53. */
  int64(): number {
    const [lo, hi] = this.varint64();
    return (hi | 0) * 4294967296 + lo;
  }

  /** Signed int64 varint as a bigint (exact over the whole int64 range). */
  int64Big(): bigint {
    const [lo, hi] = this.varint64();
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  /** Unsigned little-endian 32-bit value (wire type 5). */
  fixed32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Little-endian 64-bit value (wire type 1) as its 8 bytes (no copy). */
  fixed64Bytes(): Uint8Array {
    this.need(8);
    const out = this.buf.subarray(this.pos, this.pos + 8);
    this.pos += 8;
    return out;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Length-delimited field as a view into the buffer (no copy). */
  bytes(): Uint8Array {
    const len = this.varint();
    this.need(len);
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    return decoder.decode(this.bytes());
  }

  /** Start and end offsets of a length-delimited field (for nested readers). */
  span(): [number, number] {
    const len = this.varint();
    this.need(len);
    const start = this.pos;
    this.pos += len;
    return [start, this.pos];
  }

  /** A reader over the nested message in the current length-delimited field. */
  message(): ProtoReader {
    const [start, end] = this.span();
    return new ProtoReader(this.buf, start, end);
  }

  /**
   * Repeated numeric field, packed or not: appends each element read by `read` to `out`.
   *
   * @example
   * r.repeated((x) => x.float(), floats);
   */
  repeated(read: (r: ProtoReader) => number, out: number[]): void {
    if (this.wire === WIRE_BYTES) {
      const [start, end] = this.span();
      const sub = new ProtoReader(this.buf, start, end);
      while (sub.pos < end) out.push(read(sub));
      return;
    }
    out.push(read(this));
  }

  skip(): void {
    switch (this.wire) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_BYTES:
        this.span();
        return;
      case WIRE_FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new ProtoDecodeError(
          `protobuf: unsupported wire type ${this.wire} at byte ${this.pos}`,
        );
    }
  }
}
