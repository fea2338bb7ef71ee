// A minimal protobuf encoder: varint, 64-bit, length-delimited and 32-bit fields, packed
// repeated numbers, nested messages with back-patched lengths. Pure TypeScript, no I/O.

const encoder = new TextEncoder();

/** Protobuf wire types. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

/**
 * Growable protobuf output buffer. Fields are written in call order; nested messages are
 * encoded by a callback into the same buffer and their length is back-patched.
 *
 * @example
 * const w = new ProtoWriter();
 * w.stringField(3, 'brain.Event:2');
 * const bytes = w.finish();
 */
export class ProtoWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialSize = 128) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Unsigned varint of a non-negative safe integer. */
  varint(value: number): void {
    if (value < 0x80) {
      this.ensure(1);
      this.buf[this.pos++] = value;
      return;
    }
    this.int64(value);
  }

  /** Varint of a signed safe integer as int64 (negative numbers take 10 bytes). */
  int64(value: number): void {
    this.ensure(10);
    let lo = value >>> 0;
    let hi = Math.floor(value / 4294967296) >>> 0;
    const buf = this.buf;
    let pos = this.pos;
    while (hi !== 0 || lo > 0x7f) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  /** Varint of a signed 64-bit bigint (two's complement; negative numbers take 10 bytes). */
  int64Big(value: bigint): void {
    const v = BigInt.asUintN(64, value);
    this.ensure(10);
    let lo = Number(v & 0xffffffffn);
    let hi = Number(v >> 32n);
    const buf = this.buf;
    let pos = this.pos;
    while (hi !== 0 || lo > 0x7f) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  varintField(field: number, value: number): void {
    this.tag(field, WIRE_VARINT);
    this.int64(value);
  }

  doubleField(field: number, value: number): void {
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  floatField(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    this.ensure(4);
    this.view.setFloat32(this.pos, value, true);
    this.pos += 4;
  }

  /** Unsigned 32-bit value, little-endian (wire type 5). */
  fixed32Field(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    this.ensure(4);
    this.view.setUint32(this.pos, value >>> 0, true);
    this.pos += 4;
  }

  /** Packed repeated float (little-endian IEEE 754 binary32). */
  packedFloatField(field: number, values: ArrayLike<number>): void {
    this.tag(field, WIRE_BYTES);
    this.varint(values.length * 4);
    this.ensure(values.length * 4);
    for (let i = 0; i < values.length; i++) {
      this.view.setFloat32(this.pos, values[i]!, true);
      this.pos += 4;
    }
  }

  /** Packed repeated int64 (varints) of safe integers or bigints. */
  packedInt64Field(field: number, values: ArrayLike<number | bigint>): void {
    this.messageField(field, (w) => {
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (typeof v === 'bigint') w.int64Big(v);
        else w.int64(v);
      }
    });
  }

  /** Raw bytes appended as they are (no tag, no length). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  bytesField(field: number, bytes: Uint8Array): void {
    this.tag(field, WIRE_BYTES);
    this.varint(bytes.length);
    this.raw(bytes);
  }

  stringField(field: number, value: string): void {
    this.bytesField(field, encoder.encode(value));
  }

  /** Packed repeated double (little-endian IEEE 754). */
  packedDoubleField(field: number, values: ArrayLike<number>): void {
    this.tag(field, WIRE_BYTES);
    this.varint(values.length * 8);
    this.ensure(values.length * 8);
    for (let i = 0; i < values.length; i++) {
      this.view.setFloat64(this.pos, values[i]!, true);
      this.pos += 8;
    }
  }

  /** A nested message written by `body`; its length prefix is patched in afterwards. */
  messageField(field: number, body: (w: ProtoWriter) => void): void {
    this.tag(field, WIRE_BYTES);
    // Reserve one length byte (most nested messages are < 128 bytes); move if longer.
    this.ensure(1);
    const lenAt = this.pos++;
    body(this);
    const len = this.pos - lenAt - 1;
    if (len < 0x80) {
      this.buf[lenAt] = len;
      return;
    }
    let n = 1;
    while (len >= 2 ** (7 * n)) n++;
    this.ensure(n - 1);
    this.buf.copyWithin(lenAt + n, lenAt + 1, this.pos);
    let v = len;
    for (let i = 0; i < n; i++) {
      this.buf[lenAt + i] = i === n - 1 ? v : (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.pos += n - 1;
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
