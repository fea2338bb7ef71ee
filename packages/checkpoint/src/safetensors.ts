// safetensors (Hugging Face), read and write: a u64 LE header length, a JSON header, then the
// tensors tiling the data buffer exactly.

import type * as tf from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-core';
import type { FileStore, StoreFileHandle } from '@tfslim/storage';
import { defaultFileStore } from '@tfslim/storage';
import { rawToTensor, tensorToRaw } from './convert.js';
import type { RawTensor, TfDtype } from './dtypes.js';
import { bytesOf, dtypeSize, numElements, viewAs } from './dtypes.js';
import {
  CheckpointError,
  CheckpointFormatError,
  CheckpointNotFoundError,
  corrupt,
} from './errors.js';
import { storeOf, syncStoreOf, tempNameFor } from './fs-util.js';
import type { TensorSource, VariableInfo } from './tensor-source.js';
import type { Saveable, SaveableVariables } from './variables-input.js';
import { toSaveEntries } from './variables-input.js';

const TO_TF: Record<string, Exclude<TfDtype, 'string' | 'complex64'> | undefined> = {
  F32: 'float32',
  F64: 'float64',
  F16: 'float16',
  BF16: 'bfloat16',
  I8: 'int8',
  I16: 'int16',
  I32: 'int32',
  I64: 'int64',
  U8: 'uint8',
  U16: 'uint16',
  U32: 'uint32',
  U64: 'uint64',
  BOOL: 'bool',
};
const FROM_TF = Object.fromEntries(Object.entries(TO_TF).map(([k, v]) => [v, k])) as Record<
  string,
  string
>;
// Byte sizes of dtypes we list but cannot decode (they still count when checking offsets).
const OTHER_SIZES: Record<string, number> = {
  F8_E4M3: 1,
  F8_E5M2: 1,
  F8_E8M0: 1,
  C64: 8,
  F4: 1,
  F6_E2M3: 1,
  F6_E3M2: 1,
};

const MAX_HEADER = 100 * 1024 * 1024;

interface StEntry {
  name: string;
  stDtype: string;
  dtype: Exclude<TfDtype, 'string' | 'complex64'> | undefined;
  shape: number[];
  begin: number;
  end: number;
}

function parseHeader(
  json: Uint8Array,
  file: string,
  bufferLength: number,
  fn: string,
): { entries: StEntry[]; metadata: Record<string, string> } {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (e) {
    throw corrupt(fn, file, undefined, 'a JSON header', (e as Error).message);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw corrupt(
      fn,
      file,
      undefined,
      'a JSON object header',
      Array.isArray(header) ? 'an array' : typeof header,
    );
  }
  const metadata: Record<string, string> = {};
  const entries: StEntry[] = [];
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof v !== 'object' || v === null || Array.isArray(v))
        throw corrupt(fn, file, undefined, '__metadata__ an object', typeof v);
      for (const [k, m] of Object.entries(v as Record<string, unknown>)) {
        if (typeof m !== 'string')
          throw corrupt(
            fn,
            file,
            undefined,
            `__metadata__ string values`,
            `${typeof m} for "${k}"`,
          );
        metadata[k] = m;
      }
      continue;
    }
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null || typeof e.dtype !== 'string') {
      throw corrupt(
        fn,
        file,
        name,
        'an entry {dtype, shape, data_offsets}',
        JSON.stringify(v)?.slice(0, 80) ?? 'nothing',
      );
    }
    const shape = e.shape;
    if (
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)
    ) {
      throw corrupt(fn, file, name, 'a shape of non-negative integers', JSON.stringify(shape));
    }
    const offs = e.data_offsets;
    if (
      !Array.isArray(offs) ||
      offs.length !== 2 ||
      !offs.every((d) => Number.isSafeInteger(d) && (d as number) >= 0) ||
      offs[0] > offs[1]
    ) {
      throw corrupt(
        fn,
        file,
        name,
        'data_offsets [begin, end] with begin <= end',
        JSON.stringify(offs),
      );
    }
    const dtype = TO_TF[e.dtype];
    const size = dtype !== undefined ? dtypeSize(dtype) : OTHER_SIZES[e.dtype];
    if (size === undefined) {
      throw new CheckpointFormatError({
        fn,
        code: 'UNSUPPORTED_DTYPE',
        file,
        tensor: name,
        expected: `a safetensors dtype (${Object.keys(TO_TF).join(', ')})`,
        got: JSON.stringify(e.dtype),
        fix: 'Convert the tensor to a supported dtype',
      });
    }
    const n = numElements(shape as number[]);
    if ((offs[1] as number) - (offs[0] as number) !== n * size) {
      throw corrupt(
        fn,
        file,
        name,
        `${n * size} bytes for ${e.dtype} [${shape.join(',')}]`,
        `data_offsets ${JSON.stringify(offs)}`,
      );
    }
    entries.push({
      name,
      stDtype: e.dtype,
      dtype,
      shape: shape as number[],
      begin: offs[0] as number,
      end: offs[1] as number,
    });
  }
  // The tensors must tile the buffer exactly: no holes, no overlap.
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of byOffset) {
    if (e.begin !== at)
      throw corrupt(
        fn,
        file,
        e.name,
        `data starting at ${at} (tensors tile the buffer)`,
        `begin ${e.begin}`,
      );
    at = e.end;
  }
  if (at !== bufferLength) {
    throw corrupt(
      fn,
      file,
      undefined,
      `tensors covering the ${bufferLength}-byte data buffer`,
      `${at} bytes covered`,
      at > bufferLength ? 'TRUNCATED' : 'CORRUPT',
    );
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { entries, metadata };
}

function readHeaderPrefix(prefix: Uint8Array, size: number, file: string, fn: string): number {
  if (size < 8)
    throw corrupt(
      fn,
      file,
      undefined,
      'at least 8 bytes (the header length)',
      `${size} bytes`,
      'TRUNCATED',
    );
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER, size - 8))) {
    throw corrupt(
      fn,
      file,
      undefined,
      `a header length of at most ${Math.min(MAX_HEADER, size - 8)} bytes`,
      `${n}`,
      'TRUNCATED',
    );
  }
  return Number(n);
}

/**
 * Reads a `.safetensors` file (huggingface): lists its tensors, reads them one at a time.
 * `metadata` holds the `__metadata__` strings. Old files without 8-byte header padding load
 * too; malformed headers or offsets throw CheckpointCorruptError.
 *
 * @example
 * const st = await SafetensorsReader.open('model.safetensors');
 * st.metadata; // { format: 'pt' }
 * const w = await st.getTensor('encoder.weight');
 */
export class SafetensorsReader implements TensorSource {
  private readonly byName: Map<string, StEntry>;

  private constructor(
    readonly path: string,
    readonly metadata: Readonly<Record<string, string>>,
    entries: StEntry[],
    private readonly dataStart: number,
    private readonly store: FileStore = defaultFileStore(),
  ) {
    this.byName = new Map(entries.map((e) => [e.name, e]));
  }

  static async open(file: string, options: { store?: FileStore } = {}): Promise<SafetensorsReader> {
    const fn = 'SafetensorsReader.open';
    const store = storeOf(options);
    let fh: StoreFileHandle;
    try {
      fh = await store.open(file, 'r');
    } catch (e) {
      throw notFound(fn, file, e);
    }
    try {
      const size = await fh.size();
      const head = new Uint8Array(8);
      await fh.read(head.subarray(0, Math.min(8, size)), 0);
      const n = readHeaderPrefix(head, size, file, fn);
      const json = new Uint8Array(n);
      await fh.read(json, 8);
      const { entries, metadata } = parseHeader(json, file, size - 8 - n, fn);
      return new SafetensorsReader(file, metadata, entries, 8 + n, store);
    } finally {
      await fh.close();
    }
  }

  /** @internal Synchronous listing for assignFromCheckpointFn. */
  static namesSync(file: string, store: FileStore = defaultFileStore()): Set<string> {
    const fn = 'assignFromCheckpointFn';
    const sync = syncStoreOf(store, fn);
    const st = sync.stat(file);
    if (st?.kind !== 'file') throw notFound(fn, file, { code: 'ENOENT' });
    const size = st.size;
    const head = new Uint8Array(8);
    sync.read(file, head.subarray(0, Math.min(8, size)), 0);
    const n = readHeaderPrefix(head, size, file, fn);
    const json = new Uint8Array(n);
    sync.read(file, json, 8);
    return new Set(parseHeader(json, file, size - 8 - n, fn).entries.map((e) => e.name));
  }

  listVariables(): VariableInfo[] {
    return [...this.byName.values()].map((e) => ({
      name: e.name,
      dtype: e.dtype ?? 'unsupported',
      tfDtype: e.stDtype,
      shape: [...e.shape],
    }));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  getRaw(name: string): Promise<RawTensor> {
    return this.read(name, 'SafetensorsReader.getRaw');
  }

  async getTensor(name: string): Promise<tf.Tensor> {
    const fn = 'SafetensorsReader.getTensor';
    return rawToTensor(await this.read(name, fn), name, this.path, fn);
  }

  private async read(name: string, fn: string): Promise<RawTensor> {
    const e = this.byName.get(name);
    if (e === undefined) {
      throw new CheckpointNotFoundError({
        fn,
        file: this.path,
        tensor: name,
        expected: 'a tensor of that name',
        got: 'none',
        fix: 'listVariables() shows the names it holds',
      });
    }
    if (e.dtype === undefined) {
      throw new CheckpointFormatError({
        fn,
        code: 'UNSUPPORTED_DTYPE',
        file: this.path,
        tensor: name,
        expected: `one of ${Object.keys(TO_TF).join(', ')}`,
        got: e.stDtype,
        fix: 'Convert the tensor to a supported dtype',
      });
    }
    const len = e.end - e.begin;
    const bytes = new Uint8Array(len);
    const fh = await this.store.open(this.path, 'r');
    try {
      let done = 0;
      while (done < len) {
        const bytesRead = await fh.read(bytes.subarray(done), this.dataStart + e.begin + done);
        if (bytesRead <= 0)
          throw corrupt(
            fn,
            this.path,
            name,
            `${len} bytes`,
            `end of file after ${done}`,
            'TRUNCATED',
          );
        done += bytesRead;
      }
    } finally {
      await fh.close();
    }
    const dtype = e.dtype;
    return { dtype, shape: [...e.shape], data: viewAs(dtype, bytes) } as RawTensor;
  }
}

function notFound(fn: string, file: string, e: unknown): Error {
  if ((e as { code?: unknown }).code === 'ENOENT') {
    return new CheckpointNotFoundError({
      fn,
      file,
      expected: 'an existing file',
      got: 'no such file',
      fix: 'Check the path',
    });
  }
  return e as Error;
}

/** Options of {@link saveSafetensors}. */
export interface SaveSafetensorsOptions {
  /** The `__metadata__` strings, e.g. `{ format: 'pt' }`. */
  metadata?: Readonly<Record<string, string>>;
  /** Where to write (default: the file system in Node, memory in a browser). */
  store?: FileStore;
}

/**
 * Writes tensors as a `.safetensors` file: header padded with spaces to a multiple of 8,
 * tensors ordered as the reference library orders them (larger dtypes first, then by name),
 * streamed one at a time, written to a temporary file, fsynced and renamed.
 *
 * @example
 * await saveSafetensors('/out/model.safetensors', { 'dense.weight': w }, { metadata: { format: 'pt' } });
 */
export async function saveSafetensors(
  file: string,
  tensors: SaveableVariables,
  options: SaveSafetensorsOptions = {},
): Promise<void> {
  const fn = 'saveSafetensors';
  const entries = toSaveEntries(fn, tensors);
  const infos: Array<{ name: string; v: Saveable; dtype: string; shape: number[]; size: number }> =
    [];
  for (const [name, v] of entries) {
    const dtype = v instanceof tfc.Tensor ? v.dtype : v.dtype;
    const st = FROM_TF[dtype];
    if (st === undefined) {
      throw new CheckpointError({
        fn,
        code: 'INVALID_ARGUMENT',
        file,
        tensor: name,
        expected: `a dtype safetensors stores (${Object.keys(FROM_TF).join(', ')})`,
        got: dtype,
        fix: 'Cast it first (safetensors has no string or complex tensors)',
      });
    }
    const shape = [...v.shape];
    infos.push({ name, v, dtype: st, shape, size: numElements(shape) * dtypeSize(TO_TF[st]!) });
  }
  infos.sort(
    (a, b) =>
      dtypeSize(TO_TF[b.dtype]!) - dtypeSize(TO_TF[a.dtype]!) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const header: Record<string, unknown> = {};
  if (options.metadata !== undefined) header.__metadata__ = { ...options.metadata };
  let at = 0;
  for (const i of infos) {
    header[i.name] = { dtype: i.dtype, shape: i.shape, data_offsets: [at, at + i.size] };
    at += i.size;
  }
  let json = JSON.stringify(header);
  let jsonBytes = new TextEncoder().encode(json);
  const pad = (8 - (jsonBytes.length % 8)) % 8;
  json += ' '.repeat(pad);
  jsonBytes = new TextEncoder().encode(json);
  const head = new Uint8Array(8);
  new DataView(head.buffer).setBigUint64(0, BigInt(jsonBytes.length), true);

  const store = storeOf(options);
  const dir = store.path.dirname(store.path.resolve(file));
  await store.mkdir(dir);
  const tmp = tempNameFor(file);
  const fh = await store.open(tmp, 'wx');
  try {
    await fh.write(head, 0);
    await fh.write(jsonBytes, 8);
    let pos = 8 + jsonBytes.length;
    for (const i of infos) {
      const raw = i.v instanceof tfc.Tensor ? await tensorToRaw(i.v) : i.v;
      // eslint-disable-next-line no-restricted-syntax -- internal assert: strings were rejected above
      if (raw.dtype === 'string') throw new Error('unreachable: string dtype');
      const bytes = bytesOf(raw.data);
      if (bytes.length !== i.size) {
        throw new CheckpointError({
          fn,
          code: 'INVALID_ARGUMENT',
          file,
          tensor: i.name,
          expected: `${i.size} bytes for its shape`,
          got: `${bytes.length}`,
          fix: 'Make the data length match the shape',
        });
      }
      await fh.write(bytes, pos);
      pos += bytes.length;
    }
    await fh.sync();
    await fh.close();
    await store.rename(tmp, file);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await store.remove(tmp);
    throw e;
  }
  await store.syncDir(dir);
}
