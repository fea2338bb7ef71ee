// Streaming reader of event files from a FileStore (the disk in Node).
import type { FileStore, StoreFileHandle } from '@tfslim/storage';
import { defaultFileStore, FileStoreError } from '@tfslim/storage';
import type { TagPlugins } from './event-decode.js';
import type { OnTruncated } from './event-file.js';
import { decodePayload, truncatedAt } from './event-file.js';
import { recordBytesNeeded, scanRecord } from './record.js';
import type { EventRecord } from './types.js';

/**
 * Options of {@link readEvents}.
 *
 * @example
 * readEvents(file, { chunkSize: 1 << 20 });
 */
export interface ReadEventsOptions {
  /** Bytes read from disk at a time (default 256 KiB). */
  readonly chunkSize?: number;
  /** Where the file is (default: the file system in Node, memory in a browser). */
  readonly store?: FileStore;
  /**
   * Called, instead of throwing {@link EventFileTruncatedError}, when the file ends inside a
   * record; the iteration then ends. For files a writer is still writing (resume later at
   * `error.offset`) or one killed mid-write left.
   */
  readonly onTruncated?: OnTruncated;
}

/**
 * Reads an event file as an async iterable of events, without loading it whole. Every CRC is
 * verified: a damaged record throws {@link EventFileCorruptError} (with `file` and `offset`).
 * A file that ends inside a record (a writer killed mid-write or still writing, or a damaged
 * length) throws {@link EventFileTruncatedError} after every complete record before it, as
 * TensorFlow's record reader reports a truncated record; `onTruncated` turns that into a
 * callback and a clean end. A record's claimed length is checked against the file's size
 * before anything is read or allocated for it. Scalars come out as numbers whether stored as
 * `simple_value` or as tensors, histograms as buckets (legacy HistogramProto converted as
 * TensorBoard does).
 *
 * @example
 * for await (const event of readEvents('logs/events.out.tfevents.1700000000.host')) {
 *   for (const v of event.values) if (v.kind === 'scalar') console.log(event.step, v.tag, v.value);
 * }
 */
export async function* readEvents(
  path: string,
  options: ReadEventsOptions = {},
): AsyncGenerator<EventRecord> {
  const chunkSize = options.chunkSize ?? 256 * 1024;
  const store = options.store ?? defaultFileStore();
  const info = await store.stat(path);
  if (info === undefined) {
    throw new FileStoreError(
      'ENOENT',
      path,
      `readEvents: expected an event file, got no such file (ENOENT) ${path} in the ${store.kind} store. Check the path (listEventFiles(dir) finds them).`,
      { operation: 'readEvents' },
    );
  }
  if (info.kind === 'directory') {
    throw new FileStoreError(
      'EISDIR',
      path,
      `readEvents: expected an event file, got the directory ${path}. ` +
        `Use listEventFiles(dir) to find its event files.`,
      { operation: 'readEvents' },
    );
  }
  const handle = await store.open(path, 'r');
  try {
    const plugins: TagPlugins = new Map();
    let fileSize = await handle.size();
    let buf = new Uint8Array(0);
    let base = 0; // file offset of buf[0]
    let pos = 0;
    for (;;) {
      const record = scanRecord(buf, pos, path, base);
      if (record !== undefined) {
        yield decodePayload(record.payload, plugins, path, base + pos);
        pos = record.next;
        continue;
      }
      const at = base + pos; // where the incomplete record starts in the file
      const needed = recordBytesNeeded(buf, pos);
      // A live writer may have appended since: look again before calling it truncated.
      if (at + needed > fileSize) fileSize = await handle.size();
      if (at + needed > fileSize) {
        if (at === fileSize) return;
        truncatedAt(path, at, needed, fileSize - at, options.onTruncated);
        return;
      }
      // The record fits in the file: read it all (and more, up to a chunk), never beyond.
      const keep = buf.length - pos;
      const size = Math.min(Math.max(chunkSize, needed - keep), fileSize - (base + buf.length));
      // Fresh buffer each time: yielded events may hold views into the old one.
      const next = new Uint8Array(keep + size);
      next.set(buf.subarray(pos));
      const bytesRead = await readFully(handle, next.subarray(keep), base + buf.length);
      if (bytesRead < size) fileSize = base + buf.length + bytesRead; // shrunk meanwhile
      base += pos;
      buf = next.subarray(0, keep + bytesRead);
      pos = 0;
    }
  } finally {
    await handle.close();
  }
}

/** Reads into `into` at `position` until it is full or the file ends; returns the count. */
async function readFully(
  handle: StoreFileHandle,
  into: Uint8Array,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < into.length) {
    const n = await handle.read(into.subarray(done), position + done);
    if (n <= 0) break;
    done += n;
  }
  return done;
}

/**
 * Event files (names containing `tfevents`) under `logdir`, recursively, sorted by path.
 *
 * @example
 * for (const file of await listEventFiles('logs')) console.log(file);
 */
export async function listEventFiles(
  logdir: string,
  options: { readonly store?: FileStore } = {},
): Promise<string[]> {
  const store = options.store ?? defaultFileStore();
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of await store.list(dir)) {
      const p = store.path.join(dir, name);
      const st = await store.stat(p);
      if (st?.kind === 'directory') await walk(p);
      else if (st?.kind === 'file' && name.includes('tfevents')) out.push(p);
    }
  };
  const info = await store.stat(logdir);
  if (info === undefined) {
    throw new FileStoreError(
      'ENOENT',
      logdir,
      `listEventFiles: expected a log directory, got no such path (ENOENT) ${logdir} in the ${store.kind} store. Pass the logdir the SummaryWriter wrote to.`,
      { operation: 'listEventFiles' },
    );
  }
  if (info.kind === 'file') return [logdir];
  await walk(logdir);
  return out.sort();
}
