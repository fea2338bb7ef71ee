// Reader of V2 tensor bundles (TF1 name-based and TF2 object-based checkpoints alike).

import type * as tf from '@tensorflow/tfjs-core';
import type { FileStore, StoreFileHandle } from '@tfslim/storage';
import { defaultFileStore } from '@tfslim/storage';
import type { BundleEntry } from './bundle-proto.js';
import { decodeEntry, decodeHeader } from './bundle-proto.js';
import { latestCheckpoint } from './checkpoint-state.js';
import { rawToTensor } from './convert.js';
import { fastCrc32c } from './crc-fast.js';
import { crc32c, unmaskCrc } from './crc32c.js';
import type { RawTensor, TfDtype } from './dtypes.js';
import { dtypeFromId, dtypeSize, numElements, tfEnumName, viewAs } from './dtypes.js';
import type { CheckpointError } from './errors.js';
import {
  CheckpointFormatError,
  CheckpointNotFoundError,
  corrupt,
  hex32,
  V1FormatError,
} from './errors.js';
import { isTableFile } from './v1.js';
import { V1Checkpoint } from './v1-reader.js';
import type { SliceEntries } from './partitioned.js';
import { readPartitioned, sliceEntryKey } from './partitioned.js';
import {
  dataFilename,
  indexFilename,
  noCheckpointInDirectory,
  noIndexFile,
  normalizePrefix,
} from './paths.js';
import { ProtoError, readVarint } from './proto.js';
import { OBJECT_GRAPH_KEY } from './object-graph.js';
import { readTable } from './table.js';
import type { TensorSource, VariableInfo } from './tensor-source.js';

const READ_CHUNK = 4 << 20;

export interface Entry extends BundleEntry {
  name: string;
  dtype: TfDtype | undefined;
}

/**
 * Reads a TensorFlow checkpoint: V2 (`PREFIX.index` + `PREFIX.data-*`), as written by TF1's
 * `tf.train.Saver`, TF2's `tf.train.Checkpoint`, Keras, or {@link saveCheckpoint}, and V1
 * (one SavedTensorSlices file such as slim's `vgg_16.ckpt`, read tensor by tensor).
 * Partitioned variables read whole, under their full name and shape. Every block and V2
 * tensor is CRC32C-checked; damage throws {@link CheckpointCorruptError} naming the file and
 * tensor. A sharded V1 checkpoint (`PREFIX-00000-of-00002`) throws {@link V1FormatError}.
 *
 * @example
 * const reader = await CheckpointReader.open('/ckpt/model.ckpt-1000');
 * reader.listVariables(); // [{ name: 'global_step', dtype: 'int64', shape: [] }, ...]
 * const w = await reader.getTensor('vgg_16/conv1/conv1_1/weights'); // tf.Tensor [3,3,3,64]
 * w.dispose();
 */
export class CheckpointReader implements TensorSource {
  /** True when the checkpoint holds TF2's `_CHECKPOINTABLE_OBJECT_GRAPH` (object-based keys). */
  readonly isObjectBased: boolean;

  private constructor(
    readonly path: string,
    private readonly numShards: number,
    private readonly entries: Map<string, Entry>,
    private readonly store: FileStore = defaultFileStore(),
    private readonly sliceEntries: SliceEntries = new Map(),
    private readonly v1?: V1Checkpoint,
  ) {
    this.isObjectBased = entries.has(OBJECT_GRAPH_KEY);
  }

  /**
   * Opens a checkpoint. `path` is a prefix (`dir/model.ckpt-1000`), its `.index` or data
   * file, a V1 checkpoint file (`vgg_16.ckpt`), or a directory (its latest checkpoint, as
   * `tf.train.load_checkpoint` does).
   */
  static async open(path: string, options: { store?: FileStore } = {}): Promise<CheckpointReader> {
    const fn = 'CheckpointReader.open';
    const store = options.store ?? defaultFileStore();
    let prefix = normalizePrefix(path);
    const st = await store.stat(prefix);
    if (st?.kind === 'directory') {
      const latest = await latestCheckpoint(prefix, { store });
      if (latest === null) {
        throw noCheckpointInDirectory(fn, prefix);
      }
      prefix = latest;
    }
    const indexPath = indexFilename(prefix);
    let bytes: Uint8Array;
    try {
      bytes = await store.readFile(indexPath);
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'ENOENT') throw e;
      if (await isTableFile(store, prefix)) {
        const v1 = await V1Checkpoint.open(store, prefix, fn);
        return new CheckpointReader(prefix, 1, new Map(), store, new Map(), v1);
      }
      if (await isV1Checkpoint(store, prefix)) throw new V1FormatError(fn, prefix);
      throw noIndexFile(fn, indexPath);
    }
    return CheckpointReader.fromIndexBytes(prefix, indexPath, bytes, fn, store);
  }

  /** @internal Parses index bytes already in memory. */
  static fromIndexBytes(
    prefix: string,
    indexPath: string,
    bytes: Uint8Array,
    fn: string,
    store?: FileStore,
  ): CheckpointReader {
    const table = readTable(bytes, indexPath, fn);
    const first = table[0];
    if (first === undefined || first.key.length !== 0) {
      throw corrupt(
        fn,
        indexPath,
        undefined,
        'the bundle header under the empty key first',
        first ? 'another key' : 'an empty table',
      );
    }
    let header;
    try {
      header = decodeHeader(first.value);
    } catch (e) {
      throw corrupt(
        fn,
        indexPath,
        undefined,
        'a BundleHeaderProto under the empty key',
        (e as Error).message,
      );
    }
    if (header.looksLikeV1) {
      throw new V1FormatError(fn, indexPath);
    }
    if (header.numShards < 1) {
      throw corrupt(
        fn,
        indexPath,
        undefined,
        'num_shards >= 1 in the bundle header',
        String(header.numShards),
      );
    }
    if (header.endianness !== 0) {
      throw new CheckpointFormatError({
        fn,
        code: 'UNSUPPORTED',
        file: indexPath,
        expected: 'a little-endian bundle',
        got: 'a big-endian bundle',
        fix: 'Re-save it with TensorFlow on a little-endian machine',
      });
    }
    if (header.minConsumer > 1 || header.badConsumers.includes(1)) {
      throw new CheckpointFormatError({
        fn,
        code: 'UNSUPPORTED',
        file: indexPath,
        expected: 'a bundle readable by format version 1',
        got: `min_consumer ${header.minConsumer}`,
        fix: 'It was written by a newer TensorFlow with a different format; re-save it with an older one',
      });
    }
    const dec = new TextDecoder();
    const entries = new Map<string, Entry>();
    const sliceEntries: SliceEntries = new Map();
    for (let i = 1; i < table.length; i++) {
      const { key, value } = table[i]!;
      // Keys starting with \0 are encoded slices of partitioned variables; their full
      // tensor is listed under its own name.
      const name = key[0] === 0 ? sliceEntryKey(key) : dec.decode(key);
      let e: BundleEntry;
      try {
        e = decodeEntry(value);
      } catch (err) {
        const msg = err instanceof ProtoError || err instanceof Error ? err.message : String(err);
        throw corrupt(fn, indexPath, name, 'a well-formed BundleEntryProto', msg);
      }
      if (numElements(e.shape) > Number.MAX_SAFE_INTEGER) {
        throw corrupt(
          fn,
          indexPath,
          name,
          'a shape with fewer than 2^53 elements',
          `[${e.shape.join(',')}]`,
        );
      }
      (key[0] === 0 ? sliceEntries : entries).set(name, {
        ...e,
        name,
        dtype: dtypeFromId(e.dtypeId),
      });
    }
    return new CheckpointReader(prefix, header.numShards, entries, store, sliceEntries);
  }

  listVariables(): VariableInfo[] {
    if (this.v1 !== undefined) return this.v1.listVariables();
    return [...this.entries.values()].map((e) => ({
      name: e.name,
      dtype: e.dtype ?? 'unsupported',
      tfDtype: tfEnumName(e.dtypeId),
      shape: [...e.shape],
    }));
  }

  has(name: string): boolean {
    return this.v1?.has(name) ?? this.entries.has(name);
  }

  /**
   * The stored entry of `name` for tests and tools: dtype id, shape, offset, size, CRC.
   * Undefined for V1 checkpoints, which have no such entries.
   */
  entry(name: string): Readonly<BundleEntry> | undefined {
    return this.entries.get(name);
  }

  async getRaw(name: string): Promise<RawTensor> {
    return this.readRaw(name, 'CheckpointReader.getRaw');
  }

  async getTensor(name: string): Promise<tf.Tensor> {
    const fn = 'CheckpointReader.getTensor';
    const raw = await this.readRaw(name, fn);
    const file = this.v1?.file ?? this.dataPath(this.entries.get(name)!.shardId);
    return rawToTensor(raw, name, file, fn);
  }

  private dataPath(shard: number): string {
    return dataFilename(this.path, shard, this.numShards);
  }

  private async readRaw(name: string, fn: string): Promise<RawTensor> {
    if (this.v1 !== undefined) return this.v1.readRaw(name, fn);
    const e = this.entries.get(name);
    const indexPath = indexFilename(this.path);
    if (e === undefined) {
      throw new CheckpointNotFoundError({
        fn,
        file: indexPath,
        tensor: name,
        expected: 'a tensor of that name',
        got: 'none',
        fix: 'listVariables() shows the names it holds',
      });
    }
    if (e.slices.length > 0) {
      return readPartitioned(e, this.sliceEntries, indexPath, fn, (s, label) =>
        this.readEntry(label, s, fn),
      );
    }
    return this.readEntry(name, e, fn);
  }

  /** Reads one stored tensor (a whole variable or one slice of a partitioned one). */
  private async readEntry(name: string, e: Entry, fn: string): Promise<RawTensor> {
    const indexPath = indexFilename(this.path);
    const dtype = e.dtype;
    if (dtype === undefined) {
      throw new CheckpointFormatError({
        fn,
        code: 'UNSUPPORTED_DTYPE',
        file: indexPath,
        tensor: name,
        expected: 'a numeric, bool or string dtype',
        got: `${tfEnumName(e.dtypeId)} (id ${e.dtypeId})`,
        fix: 'Cast it to a supported dtype in TensorFlow before saving',
      });
    }
    if (e.shardId >= this.numShards) {
      throw corrupt(fn, indexPath, name, `a shard id below ${this.numShards}`, String(e.shardId));
    }
    const n = numElements(e.shape);
    if (dtype !== 'string' && e.size !== n * dtypeSize(dtype)) {
      throw corrupt(
        fn,
        indexPath,
        name,
        `${n * dtypeSize(dtype)} bytes for ${dtype} [${e.shape.join(',')}]`,
        `size ${e.size}`,
      );
    }
    // A string tensor holds a varint length per element and a 4-byte CRC (TF writes that even
    // for empty strings); size 0 only for zero elements, else values would be made up.
    if (dtype === 'string' && e.size < n + 4 && !(e.size === 0 && n === 0)) {
      throw corrupt(
        fn,
        indexPath,
        name,
        `at least ${n + 4} bytes for ${n} strings`,
        `size ${e.size}`,
      );
    }
    const file = this.dataPath(e.shardId);
    const bytes = await readRange(this.store, file, e.offset, e.size, name, fn);
    if (dtype === 'string') {
      const strings = decodeStrings(bytes.bytes, n, file, name, fn);
      if (e.size !== 0 && strings.crc !== unmaskCrc(e.crc32c)) {
        throw badCrc(fn, file, name, e.crc32c, strings.crc);
      }
      return { dtype: 'string', shape: [...e.shape], data: strings.values };
    }
    if (bytes.crc !== unmaskCrc(e.crc32c)) throw badCrc(fn, file, name, e.crc32c, bytes.crc);
    return { dtype, shape: [...e.shape], data: viewAs(dtype, bytes.bytes) } as RawTensor;
  }
}

function badCrc(
  fn: string,
  file: string,
  name: string,
  stored: number,
  actual: number,
): CheckpointError {
  return corrupt(
    fn,
    file,
    name,
    `CRC32C ${hex32(unmaskCrc(stored))} (from the index)`,
    hex32(actual),
    'BAD_CRC',
  );
}

/** Reads `size` bytes at `offset`, CRC-ing each chunk while the next one is read. */
async function readRange(
  store: FileStore,
  file: string,
  offset: number,
  size: number,
  name: string,
  fn: string,
): Promise<{ bytes: Uint8Array; crc: number }> {
  let fh: StoreFileHandle;
  try {
    fh = await store.open(file, 'r');
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') {
      throw new CheckpointNotFoundError({
        fn,
        file,
        tensor: name,
        expected: 'the data file named by the index',
        got: 'no such file',
        fix: 'Copy the .data-* files together with the .index file',
      });
    }
    throw e;
  }
  try {
    const fileSize = await fh.size();
    if (offset + size > fileSize) {
      throw corrupt(
        fn,
        file,
        name,
        `a data file of at least ${offset + size} bytes`,
        `${fileSize} bytes`,
        'TRUNCATED',
      );
    }
    const crc32 = await fastCrc32c();
    // Own ArrayBuffer of exactly `size` bytes: typed views start aligned.
    const bytes = new Uint8Array(size);
    let crc = 0;
    let pos = 0;
    const issue = (at: number): Promise<number> =>
      fh.read(bytes.subarray(at, at + Math.min(READ_CHUNK, size - at)), offset + at);
    let pending = size > 0 ? issue(0) : undefined;
    while (pending !== undefined) {
      const bytesRead = await pending;
      if (bytesRead <= 0) {
        throw corrupt(
          fn,
          file,
          name,
          `${size} bytes at offset ${offset}`,
          `end of file after ${pos}`,
          'TRUNCATED',
        );
      }
      const start = pos;
      pos += bytesRead;
      pending = pos < size ? issue(pos) : undefined;
      crc = crc32(bytes.subarray(start, pos), crc);
    }
    return { bytes, crc };
  } finally {
    await fh.close();
  }
}

/** Decodes TF's string tensor layout and computes TF's CRC over it. */
function decodeStrings(
  bytes: Uint8Array,
  n: number,
  file: string,
  name: string,
  fn: string,
): { values: Uint8Array[]; crc: number } {
  if (bytes.length === 0) return { values: [], crc: 0 }; // zero elements (checked by the caller)
  const lens: number[] = [];
  let crc = 0;
  let p = 0;
  const scratch = new DataView(new ArrayBuffer(8));
  const s4 = new Uint8Array(scratch.buffer, 0, 4);
  const s8 = new Uint8Array(scratch.buffer, 0, 8);
  try {
    for (let i = 0; i < n; i++) {
      const [len, p1] = readVarint(bytes, p);
      p = p1;
      lens.push(len);
      if (len <= 0xffffffff) {
        scratch.setUint32(0, len, true);
        crc = crc32c(s4, crc);
      } else {
        scratch.setBigUint64(0, BigInt(len), true);
        crc = crc32c(s8, crc);
      }
    }
  } catch (e) {
    throw corrupt(fn, file, name, `${n} string lengths`, (e as Error).message);
  }
  if (p + 4 > bytes.length)
    throw corrupt(
      fn,
      file,
      name,
      'a length checksum after the string lengths',
      'end of tensor',
      'TRUNCATED',
    );
  const stored = new DataView(bytes.buffer, bytes.byteOffset + p, 4).getUint32(0, true);
  if (unmaskCrc(stored) !== crc) {
    throw corrupt(
      fn,
      file,
      name,
      `string-length CRC32C ${hex32(unmaskCrc(stored))}`,
      hex32(crc),
      'BAD_CRC',
    );
  }
  crc = crc32c(bytes.subarray(p, p + 4), crc);
  p += 4;
  const total = lens.reduce((a, b) => a + b, 0);
  if (p + total !== bytes.length) {
    throw corrupt(
      fn,
      file,
      name,
      `${bytes.length - p} string bytes`,
      `lengths adding up to ${total}`,
    );
  }
  const values: Uint8Array[] = [];
  for (const len of lens) {
    const s = bytes.slice(p, p + len);
    crc = crc32c(s, crc);
    values.push(s);
    p += len;
  }
  return { values, crc };
}

/** V1 checkpoints: `prefix` itself is a table file, or `prefix-?????-of-?????` shards exist. */
async function isV1Checkpoint(store: FileStore, prefix: string): Promise<boolean> {
  if (await isTableFile(store, prefix)) return true;
  const base = `${store.path.basename(prefix)}-00000-of-`;
  const names = await store.list(store.path.dirname(prefix)).catch(() => [] as string[]);
  return names.some((f) => f.startsWith(base));
}
