// Reader of V1 checkpoints (one SavedTensorSlices table, slim's 2016 model zoo): each tensor's
// slices read on demand, one table block at a time.

import type { FileStore, SyncFileStore } from '@tfslim/storage';
import type { RawTensor, TfDtype } from './dtypes.js';
import { fastCrc32c } from './crc-fast.js';
import { dtypeFromId, numElements, tfEnumName } from './dtypes.js';
import {
  CheckpointFormatError,
  CheckpointNotFoundError,
  corrupt,
  unsupportedDtype,
} from './errors.js';
import { encodeTensorNameSlice } from './ordered-code.js';
import { decodeFields, ProtoError } from './proto.js';
import type { IndexEntry, TableEntry } from './table.js';
import {
  BLOCK_TRAILER_SIZE,
  checkBlock,
  compareBytes,
  findBlock,
  FOOTER_SIZE,
  footerIndexHandle,
  parseDataBlock,
  parseIndexBlock,
} from './table.js';
import type { Extent, SlicePart, SliceContext } from './tensor-slice.js';
import { assembleSlices, checkSlices, decodeTensorSlice, sliceShape } from './tensor-slice.js';
import { tensorProtoValues } from './tensor-proto-values.js';
import type { VariableInfo } from './tensor-source.js';

// Slack after each block read, so a tensor's bytes can be moved to an aligned offset in place.
const ALIGN_SLACK = 8;

interface V1Tensor {
  name: string;
  nameBytes: Uint8Array;
  dtypeId: number;
  dtype: TfDtype | undefined;
  shape: number[];
  slices: Extent[][];
}

/** Reads `length` bytes at `position` of the open file, or fewer at its end. */
type ReadAt = (into: Uint8Array, position: number) => Promise<number> | number;

/** A V1 checkpoint file: its tensors' metadata, and the index to find their slices. */
export class V1Checkpoint {
  private constructor(
    readonly file: string,
    private readonly size: number,
    private readonly index: IndexEntry[],
    private readonly tensors: Map<string, V1Tensor>,
    private readonly store: FileStore,
  ) {}

  /** Opens `file` (already known to end with the table magic) and reads its metadata. */
  static async open(store: FileStore, file: string, fn: string): Promise<V1Checkpoint> {
    const fh = await store.open(file, 'r');
    try {
      const size = await fh.size();
      const read = (into: Uint8Array, at: number): Promise<number> => fh.read(into, at);
      if (size < FOOTER_SIZE) throw tooShort(size, file, fn);
      const footer = await readChecksummed(
        read,
        size - FOOTER_SIZE,
        FOOTER_SIZE,
        0,
        fn,
        file,
        'footer',
      );
      const ih = footerIndexHandle(footer.bytes, file, fn);
      const indexBlock = await readBlockChecked(read, size, ih, file, fn, 'index block');
      const index = parseIndexBlock(indexBlock, file, fn);
      const first = index[0];
      if (first === undefined)
        throw corrupt(fn, file, undefined, 'at least one data block', 'none');
      const block = await readBlockChecked(read, size, first.handle, file, fn, 'first data block');
      const tensors = parseMeta(firstBlockMeta(block, file, fn), file, fn);
      return new V1Checkpoint(file, size, index, tensors, store);
    } finally {
      await fh.close();
    }
  }

  /** The names `file` holds, read synchronously (assignFromCheckpointFn). */
  static namesSync(fs: SyncFileStore, file: string, fn: string): Set<string> {
    const size = fs.stat(file)?.size ?? 0;
    const read = (into: Uint8Array, at: number): number => fs.read(file, into, at);
    if (size < FOOTER_SIZE) throw tooShort(size, file, fn);
    const footer = readExactlySync(read, size - FOOTER_SIZE, FOOTER_SIZE, file, fn, 'footer');
    const ih = footerIndexHandle(footer, file, fn);
    const indexBytes = readExactlySync(read, ...blockRange(size, ih, file, fn, 'index block'));
    const index = parseIndexBlock(
      checkBlock(indexBytes, ih.size, file, fn, 'index block'),
      file,
      fn,
    );
    const first = index[0];
    if (first === undefined) throw corrupt(fn, file, undefined, 'at least one data block', 'none');
    const firstBytes = readExactlySync(
      read,
      ...blockRange(size, first.handle, file, fn, 'first data block'),
    );
    const block = checkBlock(firstBytes, first.handle.size, file, fn, 'first data block');
    return new Set(parseMeta(firstBlockMeta(block, file, fn), file, fn).keys());
  }

  listVariables(): VariableInfo[] {
    return [...this.tensors.values()].map((t) => ({
      name: t.name,
      dtype: t.dtype ?? 'unsupported',
      tfDtype: tfEnumName(t.dtypeId),
      shape: [...t.shape],
    }));
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** Reads every slice of `name` and puts the tensor together. */
  async readRaw(name: string, fn: string): Promise<RawTensor> {
    const t = this.tensors.get(name);
    if (t === undefined) {
      throw new CheckpointNotFoundError({
        fn,
        file: this.file,
        tensor: name,
        expected: 'a tensor of that name',
        got: 'none',
        fix: 'listVariables() shows the names it holds',
      });
    }
    const dtype = t.dtype;
    if (dtype === undefined) {
      throw unsupportedDtype(fn, this.file, name, tfEnumName(t.dtypeId), t.dtypeId);
    }
    const ctx: SliceContext = { fn, file: this.file, name };
    const fh = await this.store.open(this.file, 'r');
    try {
      const read = (into: Uint8Array, at: number): Promise<number> => fh.read(into, at);
      const blocks = new Map<number, TableEntry[]>();
      const parts: SlicePart[] = [];
      for (const extents of t.slices) {
        const value = await this.sliceValue(read, blocks, t, extents, ctx);
        parts.push({ extents, data: decodeSavedSlice(value, t, dtype, extents, ctx) });
      }
      return assembleSlices(dtype, t.shape, parts, ctx);
    } finally {
      await fh.close();
    }
  }

  /** The table value under the key of one slice, reading its block unless already read. */
  private async sliceValue(
    read: ReadAt,
    blocks: Map<number, TableEntry[]>,
    t: V1Tensor,
    extents: readonly Extent[],
    ctx: SliceContext,
  ): Promise<Uint8Array> {
    const key = encodeTensorNameSlice(t.nameBytes, extents);
    const ie = findBlock(this.index, key);
    const missing = (): never => {
      throw corrupt(
        ctx.fn,
        this.file,
        t.name,
        'a table entry for each slice the metadata lists',
        'none',
      );
    };
    if (ie === undefined) return missing();
    let entries = blocks.get(ie.handle.offset);
    if (entries === undefined) {
      const what = `data block at ${ie.handle.offset}`;
      const block = await readBlockChecked(read, this.size, ie.handle, this.file, ctx.fn, what);
      entries = parseDataBlock(block, this.file, ctx.fn, what);
      blocks.set(ie.handle.offset, entries);
    }
    const hit = entries.find((e) => compareBytes(e.key, key) === 0);
    return hit === undefined ? missing() : hit.value;
  }
}

/** Decodes SavedTensorSlices {2 data: SavedSlice {1 name, 2 slice, 3 data}} into values. */
function decodeSavedSlice(
  value: Uint8Array,
  t: V1Tensor,
  dtype: TfDtype,
  extents: readonly Extent[],
  ctx: SliceContext,
): Uint8Array | Uint8Array[] {
  try {
    const data = decodeFields(value).find((f) => f.field === 2 && f.wire === 2);
    if (data === undefined) throw new ProtoError('no SavedSlice (field 2)');
    const fields = decodeFields(data.bytes);
    const name = fields.find((f) => f.field === 1 && f.wire === 2);
    if (name === undefined || compareBytes(name.bytes, t.nameBytes) !== 0) {
      throw new ProtoError('a SavedSlice of another tensor under this key');
    }
    const proto = fields.find((f) => f.field === 3 && f.wire === 2)?.bytes ?? new Uint8Array(0);
    return tensorProtoValues(proto, dtype, numElements(sliceShape(t.shape, extents)));
  } catch (e) {
    if (e instanceof ProtoError) {
      throw corrupt(ctx.fn, ctx.file, ctx.name, `a SavedSlice of ${dtype} values`, e.message);
    }
    throw e;
  }
}

/** The "" entry, first in the first data block: the serialized SavedTensorSlices meta. */
function firstBlockMeta(block: Uint8Array, file: string, fn: string): Uint8Array {
  const entry = parseDataBlock(block, file, fn, 'first data block')[0];
  if (entry === undefined || entry.key.length !== 0) {
    throw corrupt(
      fn,
      file,
      undefined,
      'the SavedTensorSliceMeta under the empty key first',
      'another key',
    );
  }
  return entry.value;
}

/** Decodes SavedTensorSlices {1 meta: {1 tensor: repeated SavedSliceMeta, 2 versions}}. */
function parseMeta(value: Uint8Array, file: string, fn: string): Map<string, V1Tensor> {
  const tensors = new Map<string, V1Tensor>();
  let name = '';
  try {
    const meta = decodeFields(value).find((f) => f.field === 1 && f.wire === 2);
    if (meta === undefined) throw new ProtoError('no SavedTensorSliceMeta (field 1)');
    for (const f of decodeFields(meta.bytes)) {
      if (f.field === 2 && f.wire === 2) checkVersions(f.bytes, file, fn);
      if (f.field !== 1 || f.wire !== 2) continue;
      name = '';
      const t = decodeSliceMeta(f.bytes);
      name = t.name;
      if (tensors.has(t.name)) throw new ProtoError('the tensor listed twice');
      checkSlices(t.shape, t.slices, { fn, file, name: t.name });
      tensors.set(t.name, t);
    }
  } catch (e) {
    if (e instanceof ProtoError) {
      throw corrupt(fn, file, name || undefined, 'a well-formed SavedTensorSliceMeta', e.message);
    }
    throw e;
  }
  return new Map([...tensors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** SavedSliceMeta {1 name, 2 shape, 3 type, 4 slice}. */
function decodeSliceMeta(bytes: Uint8Array): V1Tensor {
  const t: V1Tensor = {
    name: '',
    nameBytes: new Uint8Array(0),
    dtypeId: 0,
    dtype: undefined,
    shape: [],
    slices: [],
  };
  for (const f of decodeFields(bytes)) {
    if (f.field === 1 && f.wire === 2) {
      t.nameBytes = f.bytes.slice();
      t.name = new TextDecoder().decode(f.bytes);
    } else if (f.field === 2 && f.wire === 2) t.shape = decodeShape(f.bytes);
    else if (f.field === 3 && f.wire === 0) t.dtypeId = f.value;
    else if (f.field === 4 && f.wire === 2) t.slices.push(decodeTensorSlice(f.bytes));
  }
  t.dtype = dtypeFromId(t.dtypeId);
  if (numElements(t.shape) > Number.MAX_SAFE_INTEGER) {
    throw new ProtoError(`a shape [${t.shape.join(',')}] of 2^53 elements or more`);
  }
  return t;
}

/** TensorShapeProto {2 dim {1 size}, 3 unknown_rank}. */
function decodeShape(bytes: Uint8Array): number[] {
  const shape: number[] = [];
  for (const d of decodeFields(bytes)) {
    if (d.field === 2 && d.wire === 2) {
      let size = 0;
      for (const s of decodeFields(d.bytes)) if (s.field === 1 && s.wire === 0) size = s.value;
      shape.push(size);
    } else if (d.field === 3 && d.wire === 0 && d.value !== 0) {
      throw new ProtoError('a shape of unknown rank');
    }
  }
  return shape;
}

/** VersionDef {1 producer, 2 min_consumer, 3 bad_consumers}: this reader is consumer 1. */
function checkVersions(bytes: Uint8Array, file: string, fn: string): void {
  for (const v of decodeFields(bytes)) {
    if (
      (v.field === 2 && v.wire === 0 && v.value > 1) ||
      (v.field === 3 && v.wire === 0 && v.value === 1)
    ) {
      throw new CheckpointFormatError({
        fn,
        code: 'UNSUPPORTED',
        file,
        expected: 'a V1 checkpoint readable by checkpoint format version 1',
        got: v.field === 2 ? `min_consumer ${v.value}` : 'bad_consumers 1',
        fix: 'It was written by a newer TensorFlow with a different format; re-save it as V2',
      });
    }
  }
}

/** [position, length, ...] of a block and its trailer, checked to end before the footer. */
function blockRange(
  fileSize: number,
  h: { offset: number; size: number },
  file: string,
  fn: string,
  what: string,
): [number, number, string, string, string] {
  const end = h.offset + h.size + BLOCK_TRAILER_SIZE;
  if (end > fileSize - FOOTER_SIZE) {
    throw corrupt(
      fn,
      file,
      undefined,
      `the ${what} (${h.size} bytes + trailer) to end before the footer at ${fileSize - FOOTER_SIZE}`,
      `it ends at ${end}`,
      'TRUNCATED',
    );
  }
  return [h.offset, h.size + BLOCK_TRAILER_SIZE, file, fn, what];
}

/** Reads one block (CRC32C computed while reading), checks it and decompresses it. */
async function readBlockChecked(
  read: ReadAt,
  fileSize: number,
  h: { offset: number; size: number },
  file: string,
  fn: string,
  what: string,
): Promise<Uint8Array> {
  const [at, len] = blockRange(fileSize, h, file, fn, what);
  const { bytes, crc } = await readChecksummed(read, at, len, h.size + 1, fn, file, what);
  return checkBlock(bytes, h.size, file, fn, what, crc);
}

function tooShort(size: number, file: string, fn: string): Error {
  return corrupt(
    fn,
    file,
    undefined,
    `a file of at least ${FOOTER_SIZE} bytes`,
    `${size} bytes`,
    'TRUNCATED',
  );
}

const READ_CHUNK = 32 << 20;

/**
 * Reads `len` bytes at `at` in chunks, computing the CRC32C of the first `crcLen` of them
 * while the next chunk is read (a block and its type byte: the CRC its trailer holds). The
 * buffer has slack after the bytes, to align a tensor inside it.
 */
async function readChecksummed(
  read: ReadAt,
  at: number,
  len: number,
  crcLen: number,
  fn: string,
  file: string,
  what: string,
): Promise<{ bytes: Uint8Array; crc: number }> {
  const crc32 = await fastCrc32c();
  const bytes = new Uint8Array(len + ALIGN_SLACK).subarray(0, len);
  const issue = (pos: number): Promise<number> =>
    Promise.resolve(read(bytes.subarray(pos, pos + Math.min(READ_CHUNK, len - pos)), at + pos));
  let crc = 0;
  let pos = 0;
  let pending = len > 0 ? issue(0) : undefined;
  while (pending !== undefined) {
    const n = await pending;
    if (n <= 0) throw shortRead(len, pos, at, file, fn, what);
    const start = pos;
    pos += n;
    pending = pos < len ? issue(pos) : undefined;
    if (start < crcLen) crc = crc32(bytes.subarray(start, Math.min(pos, crcLen)), crc);
  }
  return { bytes, crc };
}

function readExactlySync(
  read: (into: Uint8Array, at: number) => number,
  at: number,
  len: number,
  file: string,
  fn: string,
  what: string,
): Uint8Array {
  const buf = new Uint8Array(len);
  let pos = 0;
  while (pos < len) {
    const n = read(buf.subarray(pos), at + pos);
    if (n <= 0) throw shortRead(len, pos, at, file, fn, what);
    pos += n;
  }
  return buf;
}

function shortRead(
  len: number,
  pos: number,
  at: number,
  file: string,
  fn: string,
  what: string,
): Error {
  return corrupt(
    fn,
    file,
    undefined,
    `${len} bytes of the ${what} at ${at}`,
    `end of file after ${pos}`,
    'TRUNCATED',
  );
}
