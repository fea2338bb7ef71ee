// Streaming writer of V2 tensor bundles: one tensor at a time, checksummed chunk by chunk while
// the previous chunk is written, so memory stays bounded whatever the checkpoint's size.

import type { FileStore, StoreFileHandle } from '@tfslim/storage';
import { encodeEntry, encodeHeader } from './bundle-proto.js';
import type { Crc32cFn } from './crc-fast.js';
import { fastCrc32c } from './crc-fast.js';
import { crc32c, maskCrc } from './crc32c.js';
import type { RawTensor, TfDtype } from './dtypes.js';
import { bytesOf, dtypeSize, numElements, TF_DTYPE_IDS } from './dtypes.js';
import { CheckpointError } from './errors.js';
import { storeOf, tempNameFor } from './fs-util.js';
import { dataFilename, indexFilename } from './paths.js';
import { pushVarint } from './proto.js';
import type { TableEntry } from './table.js';
import { buildTable, compareBytes } from './table.js';

/**
 * A raw tensor with its checkpoint key.
 *
 * @example
 * const t: NamedRawTensor = { name: 'w', dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) };
 */
export type NamedRawTensor = RawTensor & { name: string };

/** Options of {@link writeBundle}. */
export interface WriteBundleOptions {
  /**
   * Largest piece written (and copied, for small tensors) at once, in bytes. Default 4 MiB.
   * Memory use of the writer is about this much plus the index, whatever the total size.
   */
  chunkBytes?: number;
  /** Data block size of the `.index` table (default TF's 256 KiB). */
  blockSize?: number;
  /** Where to write (default: the file system in Node, memory in a browser). */
  store?: FileStore;
}

const FN = 'writeBundle';

/** Appends bytes to the data file, tracking offsets and CRCs. */
class DataSink {
  /** Bytes appended so far (staged ones included): the next tensor's offset. */
  size = 0;
  private filePos = 0;
  private readonly staging: Uint8Array;
  private used = 0;

  constructor(
    private readonly fh: StoreFileHandle,
    private readonly chunkBytes: number,
    private readonly crc: Crc32cFn,
  ) {
    this.staging = new Uint8Array(Math.min(chunkBytes, 1 << 20));
  }

  /** Appends `bytes`; returns the CRC32C continued from `crc`. Done with `bytes` on return. */
  async append(bytes: Uint8Array, crc: number): Promise<number> {
    this.size += bytes.length;
    if (bytes.length > this.staging.length - this.used) await this.flush();
    if (bytes.length <= this.staging.length) {
      this.staging.set(bytes, this.used);
      const c = this.crc(this.staging.subarray(this.used, this.used + bytes.length), crc);
      this.used += bytes.length;
      return c;
    }
    let c = crc;
    let inflight: Promise<void> | undefined;
    for (let off = 0; off < bytes.length; off += this.chunkBytes) {
      const piece = bytes.subarray(off, Math.min(bytes.length, off + this.chunkBytes));
      c = this.crc(piece, c); // overlaps the write of the previous piece
      await inflight;
      inflight = this.fh.write(piece, this.filePos);
      this.filePos += piece.length;
    }
    await inflight;
    return c;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.fh.write(this.staging.subarray(0, this.used), this.filePos);
    this.filePos += this.used;
    this.used = 0;
  }
}

function invalid(
  name: string | undefined,
  expected: string,
  got: string,
  fix: string,
): CheckpointError {
  return new CheckpointError({
    fn: FN,
    code: 'INVALID_ARGUMENT',
    file: '(input)',
    tensor: name,
    expected,
    got,
    fix,
  });
}

/** Checks a raw tensor and returns its element count. */
export function validateRaw(t: NamedRawTensor, fn = FN): number {
  if (typeof t.name !== 'string' || t.name.length === 0) {
    throw invalid(
      undefined,
      'a non-empty tensor name',
      JSON.stringify(t.name),
      'Give every tensor a name',
    );
  }
  if (!(t.dtype in TF_DTYPE_IDS)) {
    throw invalid(
      t.name,
      `one of ${Object.keys(TF_DTYPE_IDS).join(', ')}`,
      `dtype ${String(t.dtype)}`,
      'Use a supported dtype',
    );
  }
  if (!Array.isArray(t.shape) || t.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw invalid(
      t.name,
      'a shape of non-negative integers',
      JSON.stringify(t.shape),
      'Fix the shape',
    );
  }
  const n = numElements(t.shape);
  const len = t.dtype === 'complex64' ? n * 2 : n;
  const got = Array.isArray(t.data) ? t.data.length : (t.data as { length: number }).length;
  if (got !== len) {
    throw new CheckpointError({
      fn,
      code: 'INVALID_ARGUMENT',
      file: '(input)',
      tensor: t.name,
      expected: `${len} values for shape [${t.shape.join(',')}] (${t.dtype})`,
      got: `${got}`,
      fix: 'Make the data length match the shape',
    });
  }
  return n;
}

/** TF's string tensor encoding: varint lengths, masked CRC of the lengths, the bytes. */
export function encodeStringTensor(strings: readonly Uint8Array[]): {
  bytes: Uint8Array;
  crc: number;
} {
  const lens: number[] = [];
  let crc = 0;
  const len4 = new Uint8Array(4);
  const len8 = new Uint8Array(8);
  let total = 0;
  for (const s of strings) {
    pushVarint(lens, s.length);
    total += s.length;
    // TF checksums each length as a little-endian uint32 (uint64 above 2^32-1).
    if (s.length <= 0xffffffff) {
      new DataView(len4.buffer).setUint32(0, s.length, true);
      crc = crc32c(len4, crc);
    } else {
      new DataView(len8.buffer).setBigUint64(0, BigInt(s.length), true);
      crc = crc32c(len8, crc);
    }
  }
  const out = new Uint8Array(lens.length + 4 + total);
  out.set(lens, 0);
  const masked = maskCrc(crc);
  new DataView(out.buffer).setUint32(lens.length, masked, true);
  crc = crc32c(out.subarray(lens.length, lens.length + 4), crc);
  let at = lens.length + 4;
  for (const s of strings) {
    out.set(s, at);
    crc = crc32c(s, crc);
    at += s.length;
  }
  return { bytes: out, crc };
}

interface PendingEntry {
  key: Uint8Array;
  name: string;
  dtype: TfDtype;
  shape: number[];
  offset: number;
  size: number;
  crc: number;
}

/**
 * Writes a V2 tensor bundle (`PREFIX.index` + `PREFIX.data-00000-of-00001`) that Python
 * TensorFlow reads with `tf.train.load_checkpoint`. Tensors are taken one at a time from
 * `tensors` (an array, a generator or an async generator) and written before the next is
 * requested. Both files are written under temporary names, fsynced, then renamed (data
 * first, then index), so a crash never leaves a half-written bundle under `prefix`.
 *
 * @example
 * await writeBundle('/tmp/ckpt/model.ckpt-0', [
 *   { name: 'w', dtype: 'float64', shape: [2], data: new Float64Array([1, 2]) },
 *   { name: 'global_step', dtype: 'int64', shape: [], data: new BigInt64Array([0n]) },
 * ]);
 */
export async function writeBundle(
  prefix: string,
  tensors: Iterable<NamedRawTensor> | AsyncIterable<NamedRawTensor>,
  options: WriteBundleOptions = {},
): Promise<void> {
  const chunkBytes = options.chunkBytes ?? 4 << 20;
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) {
    throw invalid(
      undefined,
      'chunkBytes a positive integer',
      String(chunkBytes),
      'Pass a byte count such as 4194304',
    );
  }
  const store = storeOf(options);
  await store.mkdir(store.path.dirname(prefix));
  const dataPath = dataFilename(prefix, 0, 1);
  const indexPath = indexFilename(prefix);
  const dataTmp = tempNameFor(dataPath);
  const indexTmp = tempNameFor(indexPath);
  const entries: PendingEntry[] = [];
  const seen = new Set<string>();
  const enc = new TextEncoder();
  let fh: StoreFileHandle | undefined = await store.open(dataTmp, 'wx');
  try {
    const sink = new DataSink(fh, chunkBytes, await fastCrc32c());
    for await (const t of tensors) {
      validateRaw(t);
      if (seen.has(t.name)) {
        throw invalid(
          t.name,
          'unique tensor names',
          'a duplicate',
          'Give each tensor its own name',
        );
      }
      seen.add(t.name);
      const offset = sink.size;
      let crc: number;
      if (t.dtype === 'string') {
        const s = encodeStringTensor(t.data);
        await sink.append(s.bytes, 0);
        crc = s.crc;
      } else {
        crc = await sink.append(bytesOf(t.data), 0);
      }
      const size = sink.size - offset;
      if (t.dtype !== 'string' && size !== numElements(t.shape) * dtypeSize(t.dtype)) {
        throw invalid(t.name, 'data bytes matching the shape', `${size} bytes`, 'Fix the data');
      }
      entries.push({
        key: enc.encode(t.name),
        name: t.name,
        dtype: t.dtype,
        shape: [...t.shape],
        offset,
        size,
        crc,
      });
    }
    await sink.flush();
    // The data file's fsync (the long one) runs while the index is built and written.
    const dataFh = fh;
    fh = undefined;
    const dataSynced = dataFh.sync().finally(() => dataFh.close());

    entries.sort((a, b) => compareBytes(a.key, b.key));
    const table: TableEntry[] = [{ key: new Uint8Array(0), value: encodeHeader() }];
    for (const e of entries) {
      table.push({
        key: e.key,
        value: encodeEntry({
          dtypeId: TF_DTYPE_IDS[e.dtype],
          shape: e.shape,
          shardId: 0,
          offset: e.offset,
          size: e.size,
          crc32c: maskCrc(e.crc),
        }),
      });
    }
    const tableOptions = options.blockSize === undefined ? {} : { blockSize: options.blockSize };
    const indexBytes = buildTable(table, tableOptions);
    const indexWritten = (async () => {
      const ih = await store.open(indexTmp, 'wx');
      try {
        await ih.write(indexBytes, 0);
        await ih.sync();
      } finally {
        await ih.close();
      }
    })();
    const [a, b] = await Promise.allSettled([dataSynced, indexWritten]);
    if (a.status === 'rejected') throw a.reason;
    if (b.status === 'rejected') throw b.reason;
    await store.rename(dataTmp, dataPath);
    await store.rename(indexTmp, indexPath);
    await store.syncDir(store.path.dirname(prefix));
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await store.remove(dataTmp);
    await store.remove(indexTmp);
    throw e;
  }
}
