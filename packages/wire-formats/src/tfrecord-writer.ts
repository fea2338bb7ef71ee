// TFRecord files out: records framed, optionally compressed as TF's TFRecordWriter does.
import type { FileStore } from '@tfslim/storage';
import { compress, streamFormat, type TFRecordCompression } from './compression.js';
import { frameRecords } from './record.js';

/** Options of {@link encodeTFRecords} and {@link writeTFRecordFile}. */
export interface WriteTFRecordsOptions {
  /** `'GZIP'` or `'ZLIB'` to compress the file (default none). */
  compression?: TFRecordCompression;
}

/**
 * A whole TFRecord file holding `payloads`, compressed when asked.
 *
 * @example
 * const bytes = await encodeTFRecords([encodeExample({ x: { kind: 'float', values: [1] } })]);
 */
export async function encodeTFRecords(
  payloads: readonly Uint8Array[],
  options: WriteTFRecordsOptions = {},
): Promise<Uint8Array> {
  const format = streamFormat(options.compression, 'encodeTFRecords');
  const framed = frameRecords(payloads);
  return format === null ? framed : compress(framed, format);
}

/**
 * Writes `payloads` as the TFRecord file `path` of `store` (replacing it).
 *
 * @example
 * await writeTFRecordFile(store, '/data/train.tfrecord.gz', payloads, { compression: 'GZIP' });
 */
export async function writeTFRecordFile(
  store: FileStore,
  path: string,
  payloads: readonly Uint8Array[],
  options: WriteTFRecordsOptions = {},
): Promise<void> {
  await store.writeFile(path, await encodeTFRecords(payloads, options));
}
