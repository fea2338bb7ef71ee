// Event files are TFRecord files: the framing is @tfslim/wire-formats'; a damaged record is
// reported as this package's EventFileCorruptError.
import {
  RECORD_OVERHEAD,
  TFRecordCorruptError,
  peekRecordLength,
  scanRecord as scanTFRecord,
  type ScannedRecord,
} from '@tfslim/wire-formats';
import { EventFileCorruptError } from './errors.js';

export { RECORD_OVERHEAD, frameRecord, writeRecord } from '@tfslim/wire-formats';
export type { ScannedRecord } from '@tfslim/wire-formats';

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
  try {
    return scanTFRecord(buf, pos, { file, base, fn: 'readEvents' });
  } catch (e) {
    if (e instanceof TFRecordCorruptError)
      throw new EventFileCorruptError(file, e.offset, e.reason);
    throw e;
  }
}

/**
 * Bytes the record at `pos` takes with its framing (its payload length + 16), or the 12 of a
 * header when fewer remain in `buf`. Call after {@link scanRecord} returned `undefined`: the
 * length's CRC is then verified, though the length itself may be anything up to 2^64.
 */
export function recordBytesNeeded(buf: Uint8Array, pos: number): number {
  const length = peekRecordLength(buf, pos);
  return length === undefined ? 12 : length + RECORD_OVERHEAD;
}
