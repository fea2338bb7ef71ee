// TFRecord framing (TFRecordWriter, event files): u64 LE length, u32 LE masked CRC-32C of those
// 8 bytes, payload, u32 LE masked CRC-32C of the payload. Pure: no I/O.
import { crc32c, crc32cRange, maskCrc } from './crc32c.js';
import { TFRecordCorruptError } from './errors.js';

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
  writeU32(out, offset, n >>> 0);
  writeU32(out, offset + 4, Math.floor(n / 4294967296));
  writeU32(out, offset + 8, maskCrc(crc32cRange(out, offset, offset + 8)));
  out.set(payload, offset + 12);
  writeU32(out, offset + 12 + n, maskCrc(crc32c(payload)));
  return offset + 16 + n;
}

/**
 * One framed record as a new array.
 *
 * @example
 * await handle.write(frameRecord(exampleBytes));
 */
export function frameRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + RECORD_OVERHEAD);
  writeRecord(out, 0, payload);
  return out;
}

/**
 * Records framed one after another, as one array (a whole uncompressed TFRecord file).
 *
 * @example
 * await store.writeFile('/data/train.tfrecord', frameRecords(examples));
 */
export function frameRecords(payloads: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of payloads) total += p.length + RECORD_OVERHEAD;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of payloads) at = writeRecord(out, at, p);
  return out;
}

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = v >>> 24;
}

/** The little-endian u32 at `at`. */
export function readU32(buf: Uint8Array, at: number): number {
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
}

/** Result of {@link scanRecord}: a payload, or `undefined` when `buf` ends inside the record. */
export interface ScannedRecord {
  readonly payload: Uint8Array;
  /** Offset in `buf` just after this record. */
  readonly next: number;
}

/** Where a record sits, to label errors: the file, the file offset of `buf[0]`, its index. */
export interface RecordLabel {
  file?: string;
  /** File offset of `buf[0]` (default 0). */
  base?: number;
  /** Index of the record in its file (default -1: unknown). */
  index?: number;
  /** The public function reading (default `scanRecord`). */
  fn?: string;
}

/**
 * Reads the record starting at `pos` in `buf`. Returns `undefined` if `buf` ends before the
 * record does (more bytes needed, or a truncated last record: a reader tailing a growing file
 * waits; one at the end of a file calls it truncated). Throws {@link TFRecordCorruptError}
 * (`LENGTH_CRC`, `DATA_CRC`) on a CRC mismatch; `label` only names the place in the error.
 *
 * @example
 * for (let pos = 0, r; (r = scanRecord(bytes, pos)); pos = r.next) handle(r.payload);
 */
export function scanRecord(
  buf: Uint8Array,
  pos: number,
  label: RecordLabel = {},
): ScannedRecord | undefined {
  if (buf.length - pos < 12) return undefined;
  checkLengthCrc(buf, pos, label);
  const length = readU32(buf, pos + 4) * 4294967296 + readU32(buf, pos);
  if (buf.length - pos - 16 < length) return undefined;
  const start = pos + 12;
  const end = start + length;
  checkDataCrc(buf.subarray(start, end), readU32(buf, end), pos, label);
  return { payload: buf.subarray(start, end), next: end + 4 };
}

/** Throws `LENGTH_CRC` unless the 12-byte header at `pos` carries its length's masked CRC. */
export function checkLengthCrc(buf: Uint8Array, pos: number, label: RecordLabel = {}): void {
  if (maskCrc(crc32cRange(buf, pos, pos + 8)) !== readU32(buf, pos + 8)) {
    throw corrupt(label, 'LENGTH_CRC', pos, 'a length CRC mismatch');
  }
}

/** Throws `DATA_CRC` unless `masked` is the masked CRC of `payload`. */
export function checkDataCrc(
  payload: Uint8Array,
  masked: number,
  pos: number,
  label: RecordLabel = {},
): void {
  if (maskCrc(crc32c(payload)) !== masked) {
    throw corrupt(label, 'DATA_CRC', pos, 'a payload CRC mismatch');
  }
}

function corrupt(
  label: RecordLabel,
  code: 'LENGTH_CRC' | 'DATA_CRC',
  pos: number,
  reason: string,
): TFRecordCorruptError {
  return new TFRecordCorruptError(
    label.fn ?? 'scanRecord',
    code,
    label.file ?? '<bytes>',
    (label.base ?? 0) + pos,
    label.index ?? -1,
    reason,
  );
}

/** Length of the record starting at `pos`, or undefined if fewer than 12 bytes remain. */
export function peekRecordLength(buf: Uint8Array, pos: number): number | undefined {
  if (buf.length - pos < 12) return undefined;
  return readU32(buf, pos + 4) * 4294967296 + readU32(buf, pos);
}
