// LevelDB table format (TensorFlow's `.index` files), read and write: prefix-compressed blocks
// with restart points, each followed by its compression type and masked CRC32C.

import { crc32c, maskCrc, unmaskCrc } from './crc32c.js';
import { corrupt, hex32 } from './errors.js';
import { ProtoError, pushVarint, readVarint } from './proto.js';
import { SnappyError, snappyUncompress } from './snappy.js';
import { concatBytes } from '@tfslim/wire-formats';

/** Footer magic 0xdb4775248b80fb57, as it sits in the file (little-endian). */
export const TABLE_MAGIC = Uint8Array.of(0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb);
export const FOOTER_SIZE = 48;
const TRAILER_SIZE = 5;

/** One key/value pair of a table. */
export interface TableEntry {
  key: Uint8Array;
  value: Uint8Array;
}

/** Bytewise comparison, as LevelDB's default comparator. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** True when the last 8 bytes are the table magic. */
export function hasTableMagic(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[bytes.length - 8 + i] !== TABLE_MAGIC[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------- read

/** Where a block sits in the file (without its trailer). */
export interface Handle {
  offset: number;
  size: number;
}

/**
 * Parses a whole table held in memory and returns its entries in file order, checking every
 * block CRC, every length, and that keys strictly increase. Throws CheckpointCorruptError
 * naming `file`.
 */
export function readTable(bytes: Uint8Array, file: string, fn: string): TableEntry[] {
  const n = bytes.length;
  if (n < FOOTER_SIZE) {
    throw corrupt(
      fn,
      file,
      undefined,
      `a table of at least ${FOOTER_SIZE} bytes (the footer)`,
      `${n} bytes`,
      'TRUNCATED',
    );
  }
  const footerStart = n - FOOTER_SIZE;
  const index = footerIndexHandle(bytes.subarray(footerStart), file, fn);
  const indexBlock = readBlock(bytes, index, footerStart, file, fn, 'index block');
  const out: TableEntry[] = [];
  for (const { handle: h } of parseIndexBlock(indexBlock, file, fn)) {
    const block = readBlock(bytes, h, footerStart, file, fn, `data block at ${h.offset}`);
    for (const entry of parseBlock(block, file, fn, `data block at ${h.offset}`)) {
      const prev = out[out.length - 1];
      if (prev !== undefined && compareBytes(prev.key, entry.key) >= 0) {
        throw corrupt(
          fn,
          file,
          undefined,
          'strictly increasing keys',
          `"${latin(entry.key)}" after "${latin(prev.key)}"`,
        );
      }
      out.push(entry);
    }
  }
  return out;
}

/**
 * The index block's handle from the 48-byte footer (the metaindex handle before it is
 * unused, as in TF). Checks the magic; throws CheckpointCorruptError naming `file`.
 */
export function footerIndexHandle(footer: Uint8Array, file: string, fn: string): Handle {
  if (footer.length !== FOOTER_SIZE || !hasTableMagic(footer)) {
    throw corrupt(
      fn,
      file,
      undefined,
      'the table magic 0xdb4775248b80fb57 in the last 8 bytes',
      'other bytes',
      'BAD_MAGIC',
    );
  }
  try {
    const [, p1] = decodeHandle(footer, 0, FOOTER_SIZE - 8);
    return decodeHandle(footer, p1, FOOTER_SIZE - 8)[0];
  } catch (e) {
    throw corrupt(fn, file, undefined, 'two block handles in the footer', describe(e));
  }
}

/** One index block entry: every key of the data block at `handle` is <= `key`. */
export interface IndexEntry {
  key: Uint8Array;
  handle: Handle;
}

/** Decodes the entries of an index block (separator key -> data block handle). */
export function parseIndexBlock(indexBlock: Uint8Array, file: string, fn: string): IndexEntry[] {
  return parseBlock(indexBlock, file, fn, 'index block').map((e) => {
    try {
      const [handle, end] = decodeHandle(e.value, 0, e.value.length);
      if (end !== e.value.length) throw new ProtoError('trailing bytes after the block handle');
      return { key: e.key, handle };
    } catch (err) {
      throw corrupt(fn, file, undefined, 'a block handle in each index entry', describe(err));
    }
  });
}

/** The data block that would hold `key`: the first whose separator key is >= it (binary search). */
export function findBlock(index: readonly IndexEntry[], key: Uint8Array): IndexEntry | undefined {
  let lo = 0;
  let hi = index.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(index[mid]!.key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return index[lo];
}

/**
 * Checks and decompresses one block read on its own: `bytes` holds the block and its 5-byte
 * trailer. `crc`, when given, is the CRC32C of the block and its type byte, computed while
 * reading. Returns the block's contents.
 */
export function checkBlock(
  bytes: Uint8Array,
  size: number,
  file: string,
  fn: string,
  what: string,
  crc?: number,
): Uint8Array {
  return readBlock(bytes, { offset: 0, size }, bytes.length, file, fn, what, crc);
}

/** Parses the entries of a (decompressed) data block; keys must strictly increase. */
export function parseDataBlock(
  block: Uint8Array,
  file: string,
  fn: string,
  what: string,
): TableEntry[] {
  const out = parseBlock(block, file, fn, what);
  for (let i = 1; i < out.length; i++) {
    if (compareBytes(out[i - 1]!.key, out[i]!.key) >= 0) {
      throw corrupt(
        fn,
        file,
        undefined,
        `strictly increasing keys in the ${what}`,
        'a key out of order',
      );
    }
  }
  return out;
}

/** Bytes a block occupies in the file: contents plus the compression-type and CRC trailer. */
export const BLOCK_TRAILER_SIZE = TRAILER_SIZE;

function decodeHandle(buf: Uint8Array, pos: number, end: number): [Handle, number] {
  const [offset, p1] = readVarint(buf, pos, end);
  const [size, p2] = readVarint(buf, p1, end);
  return [{ offset, size }, p2];
}

function readBlock(
  bytes: Uint8Array,
  h: Handle,
  limit: number,
  file: string,
  fn: string,
  what: string,
  knownCrc?: number,
): Uint8Array {
  if (h.offset + h.size + TRAILER_SIZE > limit) {
    throw corrupt(
      fn,
      file,
      undefined,
      `the ${what} (${h.size} bytes + trailer) to end before the footer at ${limit}`,
      `it ends at ${h.offset + h.size + TRAILER_SIZE}`,
      'TRUNCATED',
    );
  }
  const contents = bytes.subarray(h.offset, h.offset + h.size);
  const type = bytes[h.offset + h.size]!;
  const t = h.offset + h.size + 1;
  const stored =
    (bytes[t]! | (bytes[t + 1]! << 8) | (bytes[t + 2]! << 16) | (bytes[t + 3]! << 24)) >>> 0;
  const actual = knownCrc ?? crc32c(bytes.subarray(h.offset, h.offset + h.size + 1));
  if (unmaskCrc(stored) !== actual) {
    throw corrupt(
      fn,
      file,
      undefined,
      `CRC32C ${hex32(unmaskCrc(stored))} for the ${what}`,
      hex32(actual),
      'BAD_CRC',
    );
  }
  if (type === 0) return contents;
  if (type === 1) {
    try {
      return snappyUncompress(contents);
    } catch (e) {
      if (e instanceof SnappyError) {
        throw corrupt(fn, file, undefined, `valid Snappy data in the ${what}`, e.message);
      }
      throw e;
    }
  }
  throw corrupt(fn, file, undefined, `compression type 0 or 1 for the ${what}`, `type ${type}`);
}

function parseBlock(block: Uint8Array, file: string, fn: string, what: string): TableEntry[] {
  const n = block.length;
  if (n < 4) throw corrupt(fn, file, undefined, `a ${what} of at least 4 bytes`, `${n} bytes`);
  const numRestarts = u32(block, n - 4);
  const restartsAt = n - 4 - 4 * numRestarts;
  if (numRestarts > (n - 4) / 4 || restartsAt < 0) {
    throw corrupt(
      fn,
      file,
      undefined,
      `at most ${Math.floor((n - 4) / 4)} restart points in the ${what}`,
      `${numRestarts}`,
    );
  }
  for (let i = 0; i < numRestarts; i++) {
    const r = u32(block, restartsAt + 4 * i);
    if (r > restartsAt) {
      throw corrupt(
        fn,
        file,
        undefined,
        `restart offsets inside the ${what} (< ${restartsAt})`,
        `${r}`,
      );
    }
  }
  const out: TableEntry[] = [];
  let p = 0;
  let last = new Uint8Array(0);
  try {
    while (p < restartsAt) {
      const [shared, p1] = readVarint(block, p, restartsAt);
      const [nonShared, p2] = readVarint(block, p1, restartsAt);
      const [valueLen, p3] = readVarint(block, p2, restartsAt);
      if (shared > last.length)
        throw new ProtoError(`entry shares ${shared} bytes of a ${last.length}-byte key`);
      if (p3 + nonShared + valueLen > restartsAt)
        throw new ProtoError('entry runs past the restart array');
      const key = new Uint8Array(shared + nonShared);
      key.set(last.subarray(0, shared), 0);
      key.set(block.subarray(p3, p3 + nonShared), shared);
      const value = block.subarray(p3 + nonShared, p3 + nonShared + valueLen);
      out.push({ key, value });
      last = key;
      p = p3 + nonShared + valueLen;
    }
  } catch (e) {
    if (e instanceof ProtoError)
      throw corrupt(fn, file, undefined, `well-formed entries in the ${what}`, e.message);
    throw e;
  }
  return out;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function latin(b: Uint8Array): string {
  let s = '';
  for (const c of b.subarray(0, 80))
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  return s;
}

// --------------------------------------------------------------------------------- write

/** Options of {@link buildTable}; the defaults are TensorFlow's. */
export interface TableOptions {
  /** Flush a data block once its size estimate reaches this many bytes (TF: 256 KiB). */
  blockSize?: number;
  /** Entries between restart points in data blocks (TF and LevelDB: 16). */
  restartInterval?: number;
}

class BlockBuilder {
  private buf: number[] = [];
  private restarts: number[] = [0];
  private counter = 0;
  private lastKey: Uint8Array = new Uint8Array(0);

  constructor(private readonly interval: number) {}

  add(key: Uint8Array, value: Uint8Array): void {
    let shared = 0;
    if (this.counter < this.interval) {
      const m = Math.min(this.lastKey.length, key.length);
      while (shared < m && this.lastKey[shared] === key[shared]) shared++;
    } else {
      this.restarts.push(this.buf.length);
      this.counter = 0;
    }
    pushVarint(this.buf, shared);
    pushVarint(this.buf, key.length - shared);
    pushVarint(this.buf, value.length);
    for (let i = shared; i < key.length; i++) this.buf.push(key[i]!);
    for (const b of value) this.buf.push(b);
    this.lastKey = key;
    this.counter++;
  }

  sizeEstimate(): number {
    return this.buf.length + this.restarts.length * 4 + 4;
  }

  empty(): boolean {
    return this.buf.length === 0;
  }

  finish(): Uint8Array {
    const out = this.buf;
    for (const r of this.restarts) pushU32(out, r);
    pushU32(out, this.restarts.length);
    return Uint8Array.from(out);
  }
}

function pushU32(out: number[], v: number): void {
  out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}

/** LevelDB's BytewiseComparator::FindShortestSeparator. */
export function shortestSeparator(start: Uint8Array, limit: Uint8Array): Uint8Array {
  const m = Math.min(start.length, limit.length);
  let i = 0;
  while (i < m && start[i] === limit[i]) i++;
  if (i >= m) return start;
  const b = start[i]!;
  if (b < 0xff && b + 1 < limit[i]!) {
    const out = start.slice(0, i + 1);
    out[i] = b + 1;
    return out;
  }
  return start;
}

/** LevelDB's BytewiseComparator::FindShortSuccessor. */
export function shortSuccessor(key: Uint8Array): Uint8Array {
  for (let i = 0; i < key.length; i++) {
    if (key[i] !== 0xff) {
      const out = key.slice(0, i + 1);
      out[i] = key[i]! + 1;
      return out;
    }
  }
  return key;
}

/**
 * Builds a table from entries already sorted by key (strictly increasing), with
 * uncompressed blocks, exactly as TensorFlow's TableBuilder lays them out.
 */
export function buildTable(entries: readonly TableEntry[], options: TableOptions = {}): Uint8Array {
  const blockSize = options.blockSize ?? 256 * 1024;
  const interval = options.restartInterval ?? 16;
  const parts: Uint8Array[] = [];
  let offset = 0;
  const writeBlock = (contents: Uint8Array): Handle => {
    const handle = { offset, size: contents.length };
    const trailer = new Uint8Array(TRAILER_SIZE);
    const crc = crc32c(trailer.subarray(0, 1), crc32c(contents));
    const m = maskCrc(crc);
    trailer[1] = m & 0xff;
    trailer[2] = (m >>> 8) & 0xff;
    trailer[3] = (m >>> 16) & 0xff;
    trailer[4] = m >>> 24;
    parts.push(contents, trailer);
    offset += contents.length + TRAILER_SIZE;
    return handle;
  };
  const encodeHandle = (h: Handle): Uint8Array => {
    const b: number[] = [];
    pushVarint(b, h.offset);
    pushVarint(b, h.size);
    return Uint8Array.from(b);
  };

  let data = new BlockBuilder(interval);
  const index = new BlockBuilder(1);
  let lastKey: Uint8Array | undefined;
  let pending: Handle | undefined;
  const flush = (): void => {
    if (data.empty()) return;
    pending = writeBlock(data.finish());
    data = new BlockBuilder(interval);
  };
  for (const { key, value } of entries) {
    if (lastKey !== undefined && compareBytes(lastKey, key) >= 0) {
      // eslint-disable-next-line no-restricted-syntax -- internal assert: writers sort keys first
      throw new RangeError('buildTable: expected strictly increasing keys, got a key out of order');
    }
    if (pending !== undefined) {
      index.add(shortestSeparator(lastKey!, key), encodeHandle(pending));
      pending = undefined;
    }
    data.add(key, value);
    lastKey = key;
    if (data.sizeEstimate() >= blockSize) flush();
  }
  flush();
  const metaHandle = writeBlock(new BlockBuilder(interval).finish());
  if (pending !== undefined) {
    index.add(shortSuccessor(lastKey!), encodeHandle(pending));
  }
  const indexHandle = writeBlock(index.finish());
  const footer = new Uint8Array(FOOTER_SIZE);
  const h = [...encodeHandle(metaHandle), ...encodeHandle(indexHandle)];
  footer.set(h, 0);
  footer.set(TABLE_MAGIC, FOOTER_SIZE - 8);
  parts.push(footer);
  return concatBytes(parts);
}
