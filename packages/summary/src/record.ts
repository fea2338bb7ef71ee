// TFRecord framing used by event files: u64 LE length, u32 LE masked CRC-32C of those 8
// bytes, payload, u32 LE masked CRC-32C of the payload. Pure: no I/O.
import { crc32c, maskCrc } from './crc32c.js';
import { EventFileCorruptError } from './errors.js';

/** Bytes a record adds around its payload. */
export const RECORD_OVERHEAD = 16;

/**
 * Writes one framed record into `out` at `offset`; returns the offset after it.
 * `out` must have `payload.length + 16` bytes free.
 *
 * @example
 * const out = new Uint8Array(payload.length + 16);
 * writeRecord(out, 0, payload);
 */
export function writeRecord(out: Uint8Array, offset: number, payload: Uint8Array): number {
  const n = payload.length;
  out[offset] = n & 0xff;
  out[offset + 1] = (n >>> 8) & 0xff;
  out[offset + 2] = (n >>> 16) & 0xff;
  out[offset + 3] = (n >>> 24) & 0xff;
  const hi = Math.floor(n / 4294967296);
  out[offset + 4] = hi & 0xff;
  out[offset + 5] = (hi >>> 8) & 0xff;
  out[offset + 6] = (hi >>> 16) & 0xff;
  out[offset + 7] = (hi >>> 24) & 0xff;
  writeU32(out, offset + 8, maskCrc(crc32c(out, offset, offset + 8)));
  out.set(payload, offset + 12);
  writeU32(out, offset + 12 + n, maskCrc(crc32c(payload)));
  return offset + 16 + n;
}

/**
 * One framed record as a new array.
 *
 * @example
 * fs.appendFileSync(file, frameRecord(eventBytes));
 */
export function frameRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + RECORD_OVERHEAD);
  writeRecord(out, 0, payload);
  return out;
}

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = v >>> 24;
}

function readU32(buf: Uint8Array, at: number): number {
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
}

/** Result of {@link scanRecord}: a payload, or `undefined` when `buf` ends inside the record. */
export interface ScannedRecord {
  readonly payload: Uint8Array;
  /** Offset in `buf` just after this record. */
  readonly next: number;
}

/**
 * Reads the record starting at `pos` in `buf`. Returns `undefined` if `buf` ends before the
 * record does (more bytes needed, or a truncated last record). Throws
 * {@link EventFileCorruptError} on a CRC mismatch; `file` and `base` (the file offset of
 * `buf[0]`) only label the error.
 *
 * @example
 * for (let pos = 0, r; (r = scanRecord(bytes, pos)); pos = r.next) handle(r.payload);
 */
export function scanRecord(
  buf: Uint8Array,
  pos: number,
  file = '<bytes>',
  base = 0,
): ScannedRecord | undefined {
  if (buf.length - pos < 12) return undefined;
  const lenCrc = readU32(buf, pos + 8);
  if (maskCrc(crc32c(buf, pos, pos + 8)) !== lenCrc) {
    throw new EventFileCorruptError(file, base + pos, 'a length CRC mismatch');
  }
  const lo = readU32(buf, pos);
  const hi = readU32(buf, pos + 4);
  const length = hi * 4294967296 + lo;
  if (buf.length - pos - 16 < length) return undefined;
  const start = pos + 12;
  const end = start + length;
  const payload = buf.subarray(start, end);
  if (maskCrc(crc32c(buf, start, end)) !== readU32(buf, end)) {
    throw new EventFileCorruptError(file, base + pos, 'a payload CRC mismatch');
  }
  return { payload, next: end + 4 };
}

/**
 * Bytes the record at `pos` takes with its framing (its payload length + 16), or the 12 of a
 * header when fewer remain in `buf`. Call after {@link scanRecord} returned `undefined`: the
 * length's CRC is then verified, though the length itself may be anything up to 2^64.
 */
export function recordBytesNeeded(buf: Uint8Array, pos: number): number {
  if (buf.length - pos < 12) return 12;
  return readU32(buf, pos + 4) * 4294967296 + readU32(buf, pos) + RECORD_OVERHEAD;
}
