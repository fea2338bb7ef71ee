// Streaming reader of event files from a FileStore (the disk in Node).
import type { FileStore } from '@tfslim/storage';
import { defaultFileStore } from '@tfslim/storage';
import type { TagPlugins } from './eventDecode.js';
import { decodePayload } from './eventFile.js';
import { peekRecordLength, scanRecord } from './record.js';
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
}

/**
 * Reads an event file as an async iterable of events, without loading it whole. Every CRC is
 * verified: a damaged record throws {@link EventFileCorruptError} (with `file` and `offset`);
 * a truncated last record (a writer killed mid-write, or still writing) ends the iteration
 * cleanly. Scalars come out as numbers whether stored as `simple_value` or as tensors,
 * histograms as buckets (legacy HistogramProto converted as TensorBoard does).
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
    throw Object.assign(
      new Error(
        `readEvents: expected an event file, got no such file (ENOENT) ${path} in the ${store.kind} store. Check the path (listEventFiles(dir) finds them).`,
      ),
      { code: 'ENOENT' },
    );
  }
  if (info.kind === 'directory') {
    throw new Error(
      `readEvents: expected an event file, got the directory ${path}. ` +
        `Use listEventFiles(dir) to find its event files.`,
    );
  }
  const handle = await store.open(path, 'r');
  try {
    const plugins: TagPlugins = new Map();
    let buf = new Uint8Array(0);
    let base = 0; // file offset of buf[0]
    let pos = 0;
    let eof = false;
    for (;;) {
      const record = scanRecord(buf, pos, path, base);
      if (record !== undefined) {
        yield decodePayload(record.payload, plugins, path, base + pos);
        pos = record.next;
        continue;
      }
      if (eof) return; // clean end, or a truncated last record
      const need = (peekRecordLength(buf, pos) ?? 0) + 16;
      const keep = buf.length - pos;
      const size = Math.max(chunkSize, need - keep);
      // Fresh buffer each time: yielded events may hold views into the old one.
      const next = new Uint8Array(keep + size);
      next.set(buf.subarray(pos));
      const bytesRead = await handle.read(next.subarray(keep), base + buf.length);
      if (bytesRead < size) eof = true;
      base += pos;
      buf = next.subarray(0, keep + bytesRead);
      pos = 0;
    }
  } finally {
    await handle.close();
  }
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
    throw Object.assign(
      new Error(
        `listEventFiles: expected a log directory, got no such path (ENOENT) ${logdir} in the ${store.kind} store. Pass the logdir the SummaryWriter wrote to.`,
      ),
      { code: 'ENOENT' },
    );
  }
  if (info.kind === 'file') return [logdir];
  await walk(logdir);
  return out.sort();
}
