// Streaming TFRecord reader: records out of bytes, chunks or a FileStore file, CRC-checked,
// optionally decompressed. Memory follows the data that arrived, never a record's claimed length.
import type { FileStore } from '@tfslim/storage';
import { ByteQueue } from './byte-queue.js';
import { decompress, streamFormat, type TFRecordCompression } from './compression.js';
import { TFRecordCorruptError } from './errors.js';
import { checkDataCrc, checkLengthCrc, readU32, type RecordLabel } from './record.js';

/** Options of {@link readTFRecords} and {@link readTFRecordFile}. */
export interface ReadTFRecordsOptions {
  /** `'GZIP'` or `'ZLIB'` for compressed files (default none). */
  compression?: TFRecordCompression;
  /** Check each record's length and payload CRCs (default true). */
  checkCrc?: boolean;
  /** Names the input in errors (default `<bytes>`, or the path for a file). */
  file?: string;
  /**
   * Called with each damaged record's error instead of throwing it: return `'skip'` to go on
   * (a `DATA_CRC` record is skipped and reading continues; after any other damage the framing
   * is lost, so the input ends there), or `'throw'`.
   */
  onCorrupt?: (error: TFRecordCorruptError) => 'skip' | 'throw';
}

/** Where a source's bytes come from. */
export type TFRecordSource = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

const CHUNK = 1 << 20;

async function* chunksOf(source: TFRecordSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  yield* source as AsyncIterable<Uint8Array>;
}

/**
 * The payloads of the TFRecords in `source` (bytes, or chunks of them), in order. Each payload
 * is a view that stays valid (chunks are never reused). Throws {@link TFRecordCorruptError}:
 * `TRUNCATED` when the input ends inside a record, `LENGTH_CRC`/`DATA_CRC` on a CRC mismatch.
 *
 * @example
 * for await (const payload of readTFRecords(bytes)) examples.push(decodeExample(payload));
 */
export function readTFRecords(
  source: TFRecordSource,
  options: ReadTFRecordsOptions = {},
): AsyncGenerator<Uint8Array> {
  return readFramed(source, options, 'readTFRecords', undefined);
}

/**
 * The payloads of the TFRecords in `path` of `store`, read in 1 MiB chunks. In an uncompressed
 * file, a record claiming more bytes than the file has left is `TRUNCATED` at once.
 *
 * @example
 * for await (const p of readTFRecordFile(store, '/data/train-00000-of-00004')) use(p);
 */
export async function* readTFRecordFile(
  store: FileStore,
  path: string,
  options: ReadTFRecordsOptions = {},
): AsyncGenerator<Uint8Array> {
  const handle = await store.open(path, 'r');
  try {
    const size = await handle.size();
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let pos = 0; pos < size;) {
        const buf = new Uint8Array(Math.min(CHUNK, size - pos));
        const n = await handle.read(buf, pos);
        if (n === 0) return;
        pos += n;
        yield n === buf.length ? buf : buf.subarray(0, n);
      }
    }
    const compressed = streamFormat(options.compression, 'readTFRecordFile') !== null;
    yield* readFramed(
      chunks(),
      { ...options, file: options.file ?? path },
      'readTFRecordFile',
      compressed ? undefined : size,
    );
  } finally {
    await handle.close();
  }
}

async function* readFramed(
  source: TFRecordSource,
  options: ReadTFRecordsOptions,
  fn: string,
  knownSize: number | undefined,
): AsyncGenerator<Uint8Array> {
  const file = options.file ?? '<bytes>';
  const check = options.checkCrc ?? true;
  const format = streamFormat(options.compression, fn);
  const raw = chunksOf(source);
  const chunks = format === null ? raw : decompress(raw, format);
  const it = chunks[Symbol.asyncIterator]();
  const q = new ByteQueue();
  let ended = false;
  const fill = async (n: number): Promise<boolean> => {
    while (q.length < n && !ended) {
      let r: IteratorResult<Uint8Array>;
      try {
        r = await it.next();
      } catch (e) {
        throw new TFRecordCorruptError(
          fn,
          'DECOMPRESS',
          file,
          offset,
          index,
          `bytes that do not decompress as ${options.compression} (${e instanceof Error ? e.message : String(e)})`,
        );
      }
      if (r.done) ended = true;
      else q.push(r.value);
    }
    return q.length >= n;
  };
  let offset = 0;
  let index = 0;
  const onCorrupt = options.onCorrupt ?? (() => 'throw' as const);
  try {
    for (;;) {
      if (!(await fill(1))) return;
      if (!(await fill(12))) {
        throw truncated(
          fn,
          file,
          offset,
          index,
          `the input ending inside the record's 12-byte header (${q.length} bytes left)`,
        );
      }
      const header = q.take(12);
      const label = { fn, file, base: offset, index };
      if (check) checkLengthCrc(header, 0, label);
      const length = readU32(header, 4) * 4294967296 + readU32(header, 0);
      if (knownSize !== undefined && length + 16 > knownSize - offset) {
        throw truncated(
          fn,
          file,
          offset,
          index,
          `a record claiming ${length} bytes with ${knownSize - offset - 16} left in the file`,
        );
      }
      if (!(await fill(length + 4))) {
        throw truncated(
          fn,
          file,
          offset,
          index,
          `the input ending inside a record claiming ${length} bytes (${Math.max(0, q.length - 4)} present)`,
        );
      }
      const payload = q.take(length);
      const crc = readU32(q.take(4), 0);
      const dataOk = !check || dataCrcError(payload, crc, label, onCorrupt);
      if (dataOk) yield payload;
      offset += length + 16;
      index++;
    }
  } catch (e) {
    if (e instanceof TFRecordCorruptError && e.code !== 'DATA_CRC' && onCorrupt(e) === 'skip')
      return;
    throw e;
  } finally {
    await it.return?.(undefined);
  }
}

/** True when the payload's CRC matches; false when it does not and `onCorrupt` skips it. */
function dataCrcError(
  payload: Uint8Array,
  crc: number,
  label: RecordLabel,
  onCorrupt: (e: TFRecordCorruptError) => 'skip' | 'throw',
): boolean {
  try {
    checkDataCrc(payload, crc, 0, label);
    return true;
  } catch (e) {
    if (e instanceof TFRecordCorruptError && onCorrupt(e) === 'skip') return false;
    throw e;
  }
}

function truncated(
  fn: string,
  file: string,
  offset: number,
  index: number,
  reason: string,
): TFRecordCorruptError {
  return new TFRecordCorruptError(fn, 'TRUNCATED', file, offset, index, reason);
}
