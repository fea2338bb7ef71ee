// tfjs weights (`model.json` and its shard files), read and written, quantized weights included.

import type * as tf from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-core';
import type { FileStore, StoreFileHandle } from '@tfslim/storage';
import { defaultFileStore } from '@tfslim/storage';
import { rawToTensor, tensorToRaw } from './convert.js';
import type { RawTensor } from './dtypes.js';
import { bytesOf, halfToFloat, numElements, viewAs } from './dtypes.js';
import {
  CheckpointArgumentError,
  CheckpointError,
  CheckpointFormatError,
  CheckpointNotFoundError,
  corrupt,
} from './errors.js';
import { storeOf, syncStoreOf, tempNameFor, writeFileAtomic } from './fs-util.js';
import type { TensorSource, VariableInfo } from './tensor-source.js';
import type { SaveableVariables } from './variables-input.js';
import { toSaveEntries } from './variables-input.js';

type WeightDtype = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';

interface Quantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  min?: number;
  scale?: number;
}

interface Weight {
  name: string;
  shape: number[];
  dtype: WeightDtype;
  quantization: Quantization | undefined;
  group: number;
  /** Byte offset inside the group's concatenated shards; strings resolved at open. */
  offset: number;
  size: number;
}

interface Group {
  store: FileStore;
  files: string[];
  sizes: number[];
  total: number;
}

const BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Reads `len` bytes at `offset` of a group's concatenated shard files. */
async function readGroup(
  g: Group,
  offset: number,
  len: number,
  file: string,
  name: string,
  fn: string,
): Promise<Uint8Array> {
  const out = new Uint8Array(len);
  let done = 0;
  let base = 0;
  for (let i = 0; i < g.files.length && done < len; i++) {
    const size = g.sizes[i]!;
    const from = offset + done;
    if (from < base + size) {
      const take = Math.min(size - (from - base), len - done);
      const fh = await g.store.open(g.files[i]!, 'r');
      try {
        let got = 0;
        while (got < take) {
          const bytesRead = await fh.read(out.subarray(done + got, done + take), from - base + got);
          if (bytesRead <= 0)
            throw corrupt(
              fn,
              g.files[i]!,
              name,
              `${size} bytes`,
              `end of file at ${from - base + got}`,
              'TRUNCATED',
            );
          got += bytesRead;
        }
      } finally {
        await fh.close();
      }
      done += take;
    }
    base += size;
  }
  if (done !== len)
    throw corrupt(
      fn,
      file,
      name,
      `${offset + len} bytes in its weight group`,
      `${g.total}`,
      'TRUNCATED',
    );
  return out;
}

interface ManifestGroup {
  paths: string[];
  weights: Array<Record<string, unknown>>;
}

/** A short JSON rendering of a bad value for messages. */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * Parses model.json's `weightsManifest`, checking its whole structure: every malformed field
 * is a CheckpointCorruptError naming it (never a TypeError from reading into it).
 */
function parseManifest(text: string, file: string, fn: string): ManifestGroup[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw corrupt(fn, file, undefined, 'JSON', (e as Error).message);
  }
  const manifest = isObject(json) ? json.weightsManifest : undefined;
  if (!Array.isArray(manifest))
    throw corrupt(fn, file, undefined, 'a weightsManifest array', show(manifest));
  return manifest.map((g: unknown, i: number) => {
    const where = `weightsManifest[${i}]`;
    if (!isObject(g)) throw corrupt(fn, file, undefined, `${where} an object`, show(g));
    const { paths, weights } = g;
    if (!Array.isArray(paths))
      throw corrupt(fn, file, undefined, `${where}.paths an array of strings`, show(paths));
    for (const [k, p] of paths.entries()) checkShardPath(p, `${where}.paths[${k}]`, file, fn);
    if (!Array.isArray(weights))
      throw corrupt(fn, file, undefined, `${where}.weights an array`, show(weights));
    for (const [k, w] of weights.entries()) {
      if (!isObject(w))
        throw corrupt(fn, file, undefined, `${where}.weights[${k}] an object`, show(w));
    }
    return { paths: paths as string[], weights: weights as Array<Record<string, unknown>> };
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A shard path must name a file inside model.json's directory, as tfjs fetches it relative
 * to model.json's URL: relative, `/`-separated, no empty, `.` or `..` segment, no `\` or NUL.
 * A manifest must not make the reader open `../../etc/passwd` or `/etc/passwd`.
 */
function checkShardPath(p: unknown, field: string, file: string, fn: string): void {
  const bad = (why: string): never => {
    throw corrupt(
      fn,
      file,
      undefined,
      `${field} a file name relative to model.json's directory, inside it`,
      `${show(p)} (${why})`,
    );
  };
  if (typeof p !== 'string') bad('not a string');
  const s = p as string;
  if (s.includes('\\') || s.includes('\0')) bad('a backslash or NUL');
  if (s.startsWith('/')) bad('an absolute path');
  for (const seg of s.split('/')) {
    if (seg === '..') bad('a ".." segment');
    if (seg === '' || seg === '.') bad('an empty or "." segment');
  }
}

/**
 * Shard files must stay inside model.json's directory through symbolic links too (a link
 * named `group1-shard1of1.bin` pointing at `/etc/passwd` passes {@link checkShardPath}).
 * Only stores with links (the file system) can tell; a missing shard is left to shardSizes.
 */
async function checkShardsInside(
  store: FileStore,
  dir: string,
  files: string[],
  field: string,
  file: string,
  fn: string,
): Promise<void> {
  if (store.realPath === undefined) return;
  const root = await store.realPath(dir);
  const rootPrefix = store.path.join(root, '.x').slice(0, -2);
  for (const [i, f] of files.entries()) {
    const real = await store.realPath(f).catch(() => undefined);
    if (real === undefined || real.startsWith(rootPrefix)) continue;
    throw corrupt(
      fn,
      file,
      undefined,
      `${field}[${i}] a file inside model.json's directory`,
      `${show(f)}, a link to ${show(real)} outside it`,
    );
  }
}

function parseWeight(
  w: Record<string, unknown>,
  field: string,
  group: number,
  file: string,
  fn: string,
): Weight {
  const name = w.name;
  if (typeof name !== 'string')
    throw corrupt(fn, file, undefined, `${field}.name a string`, show(name));
  const shape = w.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw corrupt(fn, file, name, `${field}.shape an array of non-negative integers`, show(shape));
  }
  const dtype = w.dtype;
  if (
    dtype !== 'float32' &&
    dtype !== 'int32' &&
    dtype !== 'bool' &&
    dtype !== 'string' &&
    dtype !== 'complex64'
  ) {
    throw new CheckpointFormatError({
      fn,
      code: 'UNSUPPORTED_DTYPE',
      file,
      tensor: name,
      expected: `${field}.dtype float32, int32, bool, string or complex64`,
      got: show(dtype),
      fix: 'Re-export the weights with tfjs',
    });
  }
  const quantization = parseQuantization(w.quantization, `${field}.quantization`, name, file, fn);
  if (quantization !== undefined && dtype !== 'float32' && dtype !== 'int32') {
    throw corrupt(fn, file, name, `${field}.dtype float32 or int32 when quantized`, dtype);
  }
  const n = numElements(shape as number[]);
  const size = dtype === 'string' ? -1 : n * BYTES[quantization?.dtype ?? dtype]!;
  return { name, shape: shape as number[], dtype, quantization, group, offset: 0, size };
}

function parseQuantization(
  q: unknown,
  field: string,
  name: string,
  file: string,
  fn: string,
): Quantization | undefined {
  if (q === undefined) return undefined;
  if (!isObject(q)) throw corrupt(fn, file, name, `${field} an object`, show(q));
  if (q.dtype !== 'uint8' && q.dtype !== 'uint16' && q.dtype !== 'float16') {
    throw new CheckpointFormatError({
      fn,
      code: 'UNSUPPORTED',
      file,
      tensor: name,
      expected: `${field}.dtype uint8, uint16 or float16`,
      got: show(q.dtype),
      fix: 'Re-export the weights with tfjs',
    });
  }
  const out: Quantization = { dtype: q.dtype };
  for (const key of ['min', 'scale'] as const) {
    const v = q[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw corrupt(fn, file, name, `${field}.${key} a finite number`, show(v));
    out[key] = v;
  }
  return out;
}

/** Sizes of a group's shard files, each of which must exist as a file. */
async function shardSizes(store: FileStore, files: string[], fn: string): Promise<number[]> {
  const sizes: number[] = [];
  for (const f of files) {
    const st = await store.stat(f);
    if (st?.kind !== 'file') {
      throw new CheckpointNotFoundError({
        fn,
        file: f,
        expected: 'the weight shard file named by model.json',
        got: st === undefined ? 'no such file' : `a ${st.kind}`,
        fix: 'Copy the .bin shards together with model.json',
      });
    }
    sizes.push(st.size);
  }
  return sizes;
}

/**
 * Where a string weight starting at `at` ends: walks its u32 length prefixes, reading the
 * group in chunks. Every length is checked against the bytes the group has, so a crafted
 * shape or length fails as TRUNCATED without reading or allocating what it claims.
 */
async function stringWeightEnd(
  g: Group,
  at: number,
  w: Weight,
  file: string,
  fn: string,
): Promise<number> {
  const n = numElements(w.shape);
  const truncated = (need: number): CheckpointError =>
    corrupt(
      fn,
      file,
      w.name,
      `at least ${need} bytes in weight group ${w.group} for ${n} strings`,
      `${g.total} bytes`,
      'TRUNCATED',
    );
  if (at + 4 * n > g.total) throw truncated(at + 4 * n);
  const CHUNK = 1 << 16;
  let chunk: Uint8Array = new Uint8Array(0);
  let chunkAt = 0;
  let p = at;
  for (let k = 0; k < n; k++) {
    if (p + 4 > g.total) throw truncated(p + 4);
    if (p < chunkAt || p + 4 > chunkAt + chunk.length) {
      chunkAt = p;
      chunk = await readGroup(g, p, Math.min(CHUNK, g.total - p), file, w.name, fn);
    }
    const len = new DataView(chunk.buffer, chunk.byteOffset + (p - chunkAt), 4).getUint32(0, true);
    p += 4 + len;
  }
  if (p > g.total) throw truncated(p);
  return p;
}

/** A failed read of model.json as thrown: a missing file is a CheckpointNotFoundError. */
function notFoundAsManifestError(e: unknown, fn: string, file: string): unknown {
  if ((e as { code?: unknown }).code !== 'ENOENT') return e;
  return new CheckpointNotFoundError({
    fn,
    file,
    expected: 'an existing model.json',
    got: 'no such file',
    fix: 'Check the path',
  });
}

/**
 * Reads tfjs weights from a `model.json` (a Layers or Graph model, or weights only): lists
 * the manifest's weights and reads them one at a time from the shard files beside it.
 * Quantized weights (uint8, uint16, float16) are dequantized as tfjs does.
 *
 * @example
 * const w = await TfjsWeightsReader.open('/web_model/model.json');
 * w.listVariables(); // [{ name: 'dense/kernel', dtype: 'float32', shape: [784, 10] }, ...]
 */
export class TfjsWeightsReader implements TensorSource {
  private readonly byName: Map<string, Weight>;

  private constructor(
    readonly path: string,
    private readonly groups: Group[],
    weights: Weight[],
  ) {
    this.byName = new Map(weights.map((w) => [w.name, w]));
  }

  static async open(file: string, options: { store?: FileStore } = {}): Promise<TfjsWeightsReader> {
    const fn = 'TfjsWeightsReader.open';
    const store = storeOf(options);
    const path = store.path;
    let text: string;
    try {
      text = new TextDecoder().decode(await store.readFile(file));
    } catch (e) {
      throw notFoundAsManifestError(e, fn, file);
    }
    const manifest = parseManifest(text, file, fn);
    const dir = path.dirname(file);
    const groups: Group[] = [];
    const weights: Weight[] = [];
    const names = new Set<string>();
    for (const [gi, g] of manifest.entries()) {
      const files = g.paths.map((p) => path.join(dir, p));
      await checkShardsInside(store, dir, files, `weightsManifest[${gi}].paths`, file, fn);
      const sizes = await shardSizes(store, files, fn);
      const group: Group = { store, files, sizes, total: sizes.reduce((a, b) => a + b, 0) };
      groups.push(group);
      let at = 0;
      for (const [wi, raw] of g.weights.entries()) {
        const w = parseWeight(raw, `weightsManifest[${gi}].weights[${wi}]`, gi, file, fn);
        w.offset = at;
        if (w.dtype === 'string') w.size = (await stringWeightEnd(group, at, w, file, fn)) - at;
        at += w.size;
        if (at > group.total) {
          throw corrupt(
            fn,
            files[files.length - 1] ?? file,
            w.name,
            `shards of at least ${at} bytes in group ${gi}`,
            `${group.total} bytes`,
            'TRUNCATED',
          );
        }
        if (names.has(w.name))
          throw corrupt(fn, file, w.name, 'unique weight names', 'a duplicate');
        names.add(w.name);
        weights.push(w);
      }
    }
    weights.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return new TfjsWeightsReader(file, groups, weights);
  }

  /** @internal Synchronous listing for assignFromCheckpointFn. */
  static namesSync(file: string, store: FileStore = defaultFileStore()): Set<string> {
    const fn = 'assignFromCheckpointFn';
    const sync = syncStoreOf(store, fn);
    let text: string;
    try {
      text = new TextDecoder().decode(sync.readFile(file));
    } catch (e) {
      throw notFoundAsManifestError(e, fn, file);
    }
    const names = new Set<string>();
    for (const g of parseManifest(text, file, fn))
      for (const w of g.weights) if (typeof w.name === 'string') names.add(w.name);
    return names;
  }

  listVariables(): VariableInfo[] {
    return [...this.byName.values()].map((w) => ({
      name: w.name,
      dtype: w.quantization !== undefined && w.dtype === 'float32' ? 'float32' : w.dtype,
      tfDtype: w.quantization ? `${w.dtype} (${w.quantization.dtype}-quantized)` : w.dtype,
      shape: [...w.shape],
    }));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  getRaw(name: string): Promise<RawTensor> {
    return this.read(name, 'TfjsWeightsReader.getRaw');
  }

  async getTensor(name: string): Promise<tf.Tensor> {
    const fn = 'TfjsWeightsReader.getTensor';
    return rawToTensor(await this.read(name, fn), name, this.path, fn);
  }

  private async read(name: string, fn: string): Promise<RawTensor> {
    const w = this.byName.get(name);
    if (w === undefined) {
      throw new CheckpointNotFoundError({
        fn,
        file: this.path,
        tensor: name,
        expected: 'a weight of that name',
        got: 'none',
        fix: 'listVariables() shows the names it holds',
      });
    }
    const bytes = await readGroup(this.groups[w.group]!, w.offset, w.size, this.path, name, fn);
    const shape = [...w.shape];
    const n = numElements(shape);
    if (w.dtype === 'string') {
      const out: Uint8Array[] = [];
      let p = 0;
      const dv = new DataView(bytes.buffer);
      for (let k = 0; k < n; k++) {
        const len = p + 4 <= bytes.length ? dv.getUint32(p, true) : -1;
        if (len < 0 || p + 4 + len > bytes.length) {
          // The shards changed since open() measured this weight.
          throw corrupt(
            fn,
            this.path,
            name,
            `${n} strings in ${bytes.length} bytes`,
            'more',
            'TRUNCATED',
          );
        }
        out.push(bytes.slice(p + 4, p + 4 + len));
        p += 4 + len;
      }
      return { dtype: 'string', shape, data: out };
    }
    const q = w.quantization;
    if (q === undefined)
      return { dtype: w.dtype, shape, data: viewAs(w.dtype, bytes) } as RawTensor;
    const values: ArrayLike<number> =
      q.dtype === 'uint8' ? bytes : (viewAs(q.dtype, bytes) as Uint16Array);
    const min = q.min ?? 0;
    const scale = q.scale ?? 1;
    if (w.dtype === 'int32') {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.round(values[i]! * scale + min);
      return { dtype: 'int32', shape, data: out };
    }
    const out = new Float32Array(n);
    if (q.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = halfToFloat(values[i]!);
    else for (let i = 0; i < n; i++) out[i] = values[i]! * scale + min;
    return { dtype: 'float32', shape, data: out };
  }
}

/** Options of {@link saveTfjsWeights}. */
export interface SaveTfjsWeightsOptions {
  /** Bytes per shard file (tfjs default 4 MiB). */
  shardBytes?: number;
  /** Name of the JSON file written in `dir`. Default `model.json`. */
  modelJsonName?: string;
  /** Other top-level fields of model.json, e.g. a `modelTopology`. */
  extra?: Readonly<Record<string, unknown>>;
  /** Where to write (default: the file system in Node, memory in a browser). */
  store?: FileStore;
}

/**
 * Writes tensors as tfjs weights: `group1-shardKofN.bin` files plus a `model.json` holding
 * the `weightsManifest` (and `extra` fields), readable by `tf.io.loadWeights` and tfjs
 * model loaders. Shards are written and renamed first; model.json last, atomically.
 * Returns the model.json path.
 *
 * @example
 * await saveTfjsWeights('/web_model', { 'dense/kernel': kernel, 'dense/bias': bias });
 */
export async function saveTfjsWeights(
  dir: string,
  tensors: SaveableVariables,
  options: SaveTfjsWeightsOptions = {},
): Promise<string> {
  const fn = 'saveTfjsWeights';
  const shardBytes = options.shardBytes ?? 4 << 20;
  if (!Number.isSafeInteger(shardBytes) || shardBytes < 1) {
    throw new CheckpointArgumentError(
      `${fn}: expected shardBytes a positive integer, got ${shardBytes}. Pass e.g. 4194304.`,
    );
  }
  const entries = toSaveEntries(fn, tensors);
  const store = storeOf(options);
  const path = store.path;
  await store.mkdir(dir);
  const specs: Array<{ name: string; shape: number[]; dtype: WeightDtype }> = [];
  const shards: string[] = [];
  let fh: StoreFileHandle | undefined;
  let inShard = 0;
  const openNext = async (): Promise<void> => {
    if (fh !== undefined) {
      await fh.sync();
      await fh.close();
    }
    const tmp = tempNameFor(path.join(dir, `group1-shard${shards.length + 1}`));
    shards.push(tmp);
    fh = await store.open(tmp, 'wx');
    inShard = 0;
  };
  const append = async (bytes: Uint8Array): Promise<void> => {
    let off = 0;
    while (off < bytes.length) {
      if (fh === undefined || inShard === shardBytes) await openNext();
      const take = Math.min(shardBytes - inShard, bytes.length - off);
      await fh!.write(bytes.subarray(off, off + take), inShard);
      inShard += take;
      off += take;
    }
  };
  try {
    for (const [name, v] of entries) {
      const raw = v instanceof tfc.Tensor ? await tensorToRaw(v) : v;
      if (
        raw.dtype !== 'float32' &&
        raw.dtype !== 'int32' &&
        raw.dtype !== 'bool' &&
        raw.dtype !== 'string' &&
        raw.dtype !== 'complex64'
      ) {
        throw new CheckpointError({
          fn,
          code: 'INVALID_ARGUMENT',
          file: dir,
          tensor: name,
          expected: 'float32, int32, bool, string or complex64 (the tfjs dtypes)',
          got: raw.dtype,
          fix: 'Convert it to a tfjs tensor first',
        });
      }
      specs.push({ name, shape: [...raw.shape], dtype: raw.dtype });
      if (raw.dtype === 'string') {
        for (const s of raw.data) {
          const len = new Uint8Array(4);
          new DataView(len.buffer).setUint32(0, s.length, true);
          await append(len);
          await append(s);
        }
      } else {
        await append(bytesOf(raw.data));
      }
    }
    if (fh !== undefined) {
      await fh.sync();
      await fh.close();
      fh = undefined;
    }
    const names = shards.map((_, i) => `group1-shard${i + 1}of${shards.length}.bin`);
    for (const [i, tmp] of shards.entries()) await store.rename(tmp, path.join(dir, names[i]!));
    await store.syncDir(dir);
    const modelJson = {
      ...(options.extra ?? {}),
      weightsManifest: [{ paths: names, weights: specs }],
    };
    const target = path.join(dir, options.modelJsonName ?? 'model.json');
    await writeFileAtomic(store, target, new TextEncoder().encode(JSON.stringify(modelJson)));
    return target;
  } catch (e) {
    await fh?.close().catch(() => undefined);
    for (const tmp of shards) await store.remove(tmp);
    throw e;
  }
}
