// Per format: the original files (written by our own writers), "crafted" mutants (a length,
// shape, offset, path or index entry changed and every CRC recomputed, so the parser beyond
// the CRCs is reached), and the check that a read which succeeded returned data consistent
// with the mutant file (anything else is "wrong data").
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  crc32c,
  maskCrc,
  saveCheckpoint,
  saveSafetensors,
  saveTfjsWeights,
} from '@tfslim/checkpoint';
import { SummaryWriter } from '@tfslim/summary';
// Internals reused, not rewritten: the table and entry codecs and TF's string tensor layout.
import { decodeEntry, encodeEntry } from '../../../packages/checkpoint/src/bundle-proto';
import { encodeStringTensor } from '../../../packages/checkpoint/src/bundle-writer';
import { dtypeFromId, dtypeSize } from '../../../packages/checkpoint/src/dtypes';
import { buildTable, readTable } from '../../../packages/checkpoint/src/table';
import { mutateRandom, randInt } from './mutate';
import type { Format, TensorDump } from './protocol';
import { FILES } from './protocol';

/** A case: files by their path relative to the case directory. */
export type Files = Record<string, Buffer>;

export interface Mutant {
  files: Files;
  /** What was done, for the report of a failing case. */
  label: string;
  crafted: boolean;
  /** Whether a read that succeeded with `dump` is consistent with the mutant. */
  consistent(dump: string): boolean;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[randInt(rnd, xs.length)]!;
const HUGE = [0, 1, 3, 2 ** 26, 2 ** 31, 2 ** 32 + 1, 2 ** 40, 2 ** 52];

function readDir(dir: string, rel = ''): Files {
  const out: Files = {};
  for (const name of fs.readdirSync(path.join(dir, rel))) {
    const r = rel === '' ? name : `${rel}/${name}`;
    if (fs.statSync(path.join(dir, r)).isDirectory()) Object.assign(out, readDir(dir, r));
    else out[r] = fs.readFileSync(path.join(dir, r));
  }
  return out;
}

/** Writes the original files of `format` into the empty directory `dir`; returns them. */
export async function writeOriginal(format: Format, dir: string): Promise<Files> {
  const f32 = {
    dtype: 'float32' as const,
    shape: [3, 4],
    data: Float32Array.from({ length: 12 }, (_, i) => i / 3),
  };
  const i32 = { dtype: 'int32' as const, shape: [5], data: Int32Array.from([1, -2, 3, -4, 5]) };
  const empty = { dtype: 'float32' as const, shape: [0, 2], data: new Float32Array(0) };
  switch (format) {
    case 'bundle':
      // A checkpoint beside the one read, with other values: a state file naming it must not
      // make the reader return them.
      await saveCheckpoint(path.join(dir, 'outside'), {
        'net/w': { ...f32, data: f32.data.map((x) => x + 1) },
      });
      await saveCheckpoint(path.join(dir, FILES.bundle), {
        'net/w': f32,
        'net/b': i32,
        'net/empty': empty,
        step: { dtype: 'int64', shape: [], data: BigInt64Array.from([42n]) },
        d: { dtype: 'float64', shape: [2], data: Float64Array.from([0.1, -2.5]) },
        vocab: { dtype: 'string', shape: [3], data: ['ab', '', 'xyz'].map(enc) },
      });
      break;
    case 'safetensors':
      await saveSafetensors(path.join(dir, FILES.safetensors), {
        'net/w': f32,
        'net/b': i32,
        'net/empty': empty,
        step: { dtype: 'int64', shape: [], data: BigInt64Array.from([42n]) },
        bytes: { dtype: 'uint8', shape: [7], data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7]) },
      });
      break;
    case 'tfjs':
      fs.writeFileSync(
        path.join(dir, 'secret.bin'),
        Buffer.from(new Float32Array([7, 8, 9, 10]).buffer),
      );
      await saveTfjsWeights(
        path.join(dir, path.dirname(FILES.tfjs)),
        {
          'net/w': f32,
          'net/b': i32,
          'net/empty': empty,
          mask: { dtype: 'bool', shape: [3], data: Uint8Array.from([1, 0, 1]) },
          vocab: { dtype: 'string', shape: [3], data: ['ab', '', 'xyz'].map(enc) },
        },
        { shardBytes: 24 },
      );
      break;
    case 'events': {
      const w = new SummaryWriter(dir, { flushMillis: 1e9 });
      for (let step = 0; step < 6; step++) {
        w.scalar('loss', 1 / (step + 1), step);
        w.histogram('h', [step, step + 1, step + 2.5], step, { buckets: 3 });
        w.text('t', `step ${step}`, step);
      }
      w.image('img', { shape: [2, 2, 3], data: new Uint8Array(12).fill(9) }, 6);
      await w.close();
      fs.renameSync(w.file, path.join(dir, FILES.events));
      break;
    }
  }
  return readDir(dir);
}

/** One mutant of `original` (whose successful read gave `originalDump`). */
export function mutant(
  format: Format,
  original: Files,
  originalDump: string,
  rnd: () => number,
): Mutant {
  if (rnd() < 0.5) {
    const crafted = CRAFTED[format](original, rnd);
    if (crafted !== undefined) return { ...crafted, crafted: true };
  }
  // Only the files read: not the bait outside the model's directory.
  const names = Object.keys(original).filter(
    (n) => n !== 'secret.bin' && !n.startsWith('outside/'),
  );
  const victim = pick(rnd, names);
  const bytes = mutateRandom(original[victim]!, rnd);
  const files = { ...original, [victim]: bytes };
  return {
    files,
    label: `random mutation of ${victim}`,
    crafted: false,
    consistent: (dump) => RANDOM_CHECK[format](dump, originalDump, files, original, victim),
  };
}

type Crafted = Omit<Mutant, 'crafted'>;

// ---------------------------------------------------------------- random mutants' checks

const RANDOM_CHECK: Record<
  Format,
  (dump: string, originalDump: string, files: Files, original: Files, victim: string) => boolean
> = {
  // Every byte of a bundle is under a CRC: the original content or an error.
  bundle: (dump, orig) => dump === orig,
  safetensors: (dump, _orig, files) =>
    sameTensors(dump, safetensorsOracle(files[FILES.safetensors]!)),
  tfjs: (dump, _orig, files) => sameTensors(dump, tfjsOracle(files)),
  // CRC-framed records: the original events, or those of a file cut between two records.
  events: (dump, orig, files, original) => {
    if (dump === orig) return true;
    const got = files[FILES.events]!;
    const full = original[FILES.events]!;
    const n = (JSON.parse(dump) as unknown[]).length;
    const boundary = recordBoundaries(full)[n];
    return (
      boundary === got.length &&
      full.subarray(0, boundary).equals(got) &&
      JSON.stringify((JSON.parse(orig) as unknown[]).slice(0, n)) === dump
    );
  },
};

function sameTensors(dump: string, oracle: TensorDump[] | undefined): boolean {
  return oracle !== undefined && JSON.stringify(oracle) === dump;
}

const byName = (a: TensorDump, b: TensorDump): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// ---------------------------------------------------------------- crafted mutants

const CRAFTED: Record<Format, (original: Files, rnd: () => number) => Crafted | undefined> = {
  bundle: craftBundle,
  safetensors: craftSafetensors,
  tfjs: craftTfjs,
  events: craftEvents,
};

const INDEX = `${FILES.bundle}/model.ckpt.index`;
const DATA = `${FILES.bundle}/model.ckpt.data-00000-of-00001`;
const STATE = `${FILES.bundle}/checkpoint`;

/** An index entry edited (size, shape, offset, dtype, shard, CRC) or a value byte changed with its CRC recomputed; the table rebuilt with fresh block CRCs. */
function craftBundle(original: Files, rnd: () => number): Crafted {
  if (rnd() < 0.2) return craftState(original, rnd);
  const rows = readTable(original[INDEX]!, INDEX, 'fuzz');
  const k = 1 + randInt(rnd, rows.length - 1);
  const row = rows[k]!;
  const e = decodeEntry(row.value);
  const name = new TextDecoder().decode(row.key);
  let data = original[DATA]!;
  let what: string;
  const edit = randInt(rnd, 8);
  const ne = { ...e };
  switch (edit) {
    case 0:
      ne.size = pick(rnd, [...HUGE, e.size + 1, Math.max(0, e.size - 1)]);
      what = `size ${ne.size}`;
      break;
    case 1:
      ne.shape = pick(rnd, [[pick(rnd, HUGE)], [...e.shape, 2], e.shape.map((d) => d * 2), []]);
      what = `shape [${ne.shape}]`;
      break;
    case 2:
      ne.offset = pick(rnd, [e.offset + 1, e.offset + 8, 2 ** 40, 0]);
      what = `offset ${ne.offset}`;
      break;
    case 3:
      ne.dtypeId = 1 + randInt(rnd, 23);
      what = `dtype id ${ne.dtypeId}`;
      break;
    case 4:
      ne.shardId = 1 + randInt(rnd, 3);
      what = `shard ${ne.shardId}`;
      break;
    case 5:
      ne.crc32c = randInt(rnd, 2 ** 32);
      what = 'crc';
      break;
    case 6:
      // A value byte changed, its tensor CRC recomputed: legitimately different data.
      data = Buffer.from(data);
      if (e.size > 0 && dtypeFromId(e.dtypeId) !== 'string') {
        data[e.offset + randInt(rnd, e.size)]! ^= 1 << randInt(rnd, 8);
        ne.crc32c = maskCrc(crc32c(data.subarray(e.offset, e.offset + e.size)));
      }
      what = 'a value byte with its CRC';
      break;
    default:
      // An empty hole where the data should be.
      ne.size = 0;
      ne.crc32c = 0;
      what = 'size 0, crc 0';
  }
  const newRows = rows.map((r, i) => (i === k ? { key: r.key, value: encodeEntry(ne) } : r));
  const index = Buffer.from(buildTable(newRows));
  const files = { ...original, [INDEX]: index, [DATA]: data };
  const entries = new Map(
    newRows.slice(1).map((r) => [new TextDecoder().decode(r.key), decodeEntry(r.value)]),
  );
  return {
    files,
    label: `crafted bundle entry "${name}": ${what}`,
    consistent: (dump) => {
      const got = JSON.parse(dump) as TensorDump[];
      if (got.length !== entries.size) return false;
      return got.every((t) => {
        const en = entries.get(t.name);
        if (en === undefined || dtypeFromId(en.dtypeId) !== t.dtype) return false;
        if (JSON.stringify(en.shape) !== JSON.stringify(t.shape)) return false;
        const stored = data.subarray(en.offset, en.offset + en.size);
        if (stored.length !== en.size) return false;
        if (t.dtype === 'string') {
          const strings = (t.data as string[]).map((h) => Buffer.from(h, 'hex'));
          return strings.length === 0
            ? en.size === 0 || en.size === 4
            : hex(encodeStringTensor(strings).bytes) === hex(stored);
        }
        const n = t.shape.reduce((a, b) => a * b, 1);
        return en.size === n * dtypeSize(t.dtype as never) && t.data === hex(stored);
      });
    },
  };
}

/** The state file naming a checkpoint elsewhere: it must not be read (or be this one). */
function craftState(original: Files, rnd: () => number): Crafted {
  const stored = pick(rnd, [
    '../outside/model.ckpt',
    'a/../../outside/model.ckpt',
    '.',
    '',
    '/nonexistent/outside/model.ckpt',
    'model.ckpt',
  ]);
  const text = `model_checkpoint_path: ${JSON.stringify(stored)}\nall_model_checkpoint_paths: ${JSON.stringify(stored)}\n`;
  const files = { ...original, [STATE]: Buffer.from(text) };
  return {
    files,
    label: `crafted state file naming ${JSON.stringify(stored)}`,
    consistent: (dump) => dump === originalDumps.bundle,
  };
}

/** The JSON header edited (shape, offsets, dtype) or its length field changed. */
function craftSafetensors(original: Files, rnd: () => number): Crafted {
  const bytes = original[FILES.safetensors]!;
  const hl = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + hl).toString()) as Record<
    string,
    Record<string, unknown>
  >;
  const body = bytes.subarray(8 + hl);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const name = pick(rnd, names);
  const t = header[name]!;
  const offs = t.data_offsets as number[];
  const edit = randInt(rnd, 6);
  let what: string;
  let lengthField: number | undefined;
  switch (edit) {
    case 0:
      t.shape = pick(rnd, [[pick(rnd, HUGE)], [2, 2, 2], [], [-1], [1.5], 'x']);
      what = `shape ${JSON.stringify(t.shape)}`;
      break;
    case 1:
      t.data_offsets = pick(rnd, [
        [offs[1], offs[0]],
        [0, pick(rnd, HUGE)],
        [offs[0]! + 4, offs[1]! + 4],
        [pick(rnd, HUGE), pick(rnd, HUGE)],
        null,
      ]);
      what = `offsets ${JSON.stringify(t.data_offsets)}`;
      break;
    case 2:
      t.dtype = pick(rnd, ['F16', 'BF16', 'F64', 'I8', 'U64', 'BOOL', 'XX', 7]);
      what = `dtype ${JSON.stringify(t.dtype)}`;
      break;
    case 3:
      header[name] = pick(rnd, [null, 5, [], {}] as never);
      what = `entry ${JSON.stringify(header[name])}`;
      break;
    case 4:
      delete header[name];
      what = 'entry removed';
      break;
    default:
      lengthField = pick(rnd, [...HUGE, hl + 1, hl - 1, 2 ** 63]);
      what = `header length ${lengthField}`;
  }
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(lengthField ?? json.length));
  const file = Buffer.concat([head, json, body]);
  const files = { ...original, [FILES.safetensors]: file };
  return {
    files,
    label: `crafted safetensors "${name}": ${what}`,
    consistent: (dump) => sameTensors(dump, safetensorsOracle(file)),
  };
}

const SAFETENSORS_TF: Record<string, [string, number]> = {
  F32: ['float32', 4],
  F64: ['float64', 8],
  F16: ['float16', 2],
  BF16: ['bfloat16', 2],
  I8: ['int8', 1],
  I16: ['int16', 2],
  I32: ['int32', 4],
  I64: ['int64', 8],
  U8: ['uint8', 1],
  U16: ['uint16', 2],
  U32: ['uint32', 4],
  U64: ['uint64', 8],
  BOOL: ['bool', 1],
};

/** An independent decoder of the safetensors spec; undefined when the file breaks it. */
function safetensorsOracle(bytes: Buffer): TensorDump[] | undefined {
  if (bytes.length < 8) return undefined;
  const hl = Number(bytes.readBigUInt64LE(0));
  if (8 + hl > bytes.length) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + hl).toString());
  } catch {
    return undefined;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return undefined;
  const out: TensorDump[] = [];
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const t = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    const dt = SAFETENSORS_TF[String(t?.dtype)];
    const shape = t?.shape;
    const offs = t?.data_offsets;
    if (
      dt === undefined ||
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isSafeInteger(d) && d >= 0)
    )
      return undefined;
    if (
      !Array.isArray(offs) ||
      offs.length !== 2 ||
      !offs.every((d) => Number.isSafeInteger(d) && d >= 0)
    )
      return undefined;
    const [b, e] = offs as [number, number];
    const n = (shape as number[]).reduce((a, x) => a * x, 1);
    if (b > e || 8 + hl + e > bytes.length || e - b !== n * dt[1]) return undefined;
    out.push({
      name,
      dtype: dt[0],
      shape: shape as number[],
      data: hex(bytes.subarray(8 + hl + b, 8 + hl + e)),
    });
  }
  return out.sort(byName);
}

/** model.json edited: a hostile shard path, a null/odd weight, a huge shape, a removed weight. */
function craftTfjs(original: Files, rnd: () => number): Crafted {
  const json = JSON.parse(original[FILES.tfjs]!.toString()) as {
    weightsManifest: Array<{ paths: unknown[]; weights: unknown[] }>;
  };
  const g = json.weightsManifest[0]!;
  const edit = randInt(rnd, 5);
  let what: string;
  if (edit === 0) {
    const i = randInt(rnd, g.paths.length);
    g.paths[i] = pick(rnd, [
      '../secret.bin',
      '../secret.bin',
      '/etc/hostname',
      '.',
      '',
      'a/../../secret.bin',
      '..\\secret.bin',
      7,
      null,
    ]);
    what = `paths[${i}] = ${JSON.stringify(g.paths[i])}`;
  } else {
    const i = randInt(rnd, g.weights.length);
    const w = g.weights[i] as Record<string, unknown>;
    if (edit === 1) {
      g.weights[i] = pick(rnd, [null, 5, 'w', []]);
      what = `weights[${i}] = ${JSON.stringify(g.weights[i])}`;
    } else if (edit === 2) {
      w.shape = pick(rnd, [[pick(rnd, HUGE)], [], [2, -1], null, [0.5]]);
      what = `weights[${i}].shape ${JSON.stringify(w.shape)}`;
    } else if (edit === 3) {
      w.dtype = pick(rnd, ['float32', 'int32', 'bool', 'string', 'complex64', 'float64', null]);
      what = `weights[${i}].dtype ${JSON.stringify(w.dtype)}`;
    } else {
      g.weights.splice(i, 1);
      what = `weights[${i}] removed`;
    }
  }
  const files = { ...original, [FILES.tfjs]: Buffer.from(JSON.stringify(json)) };
  return {
    files,
    label: `crafted model.json: ${what}`,
    consistent: (dump) => sameTensors(dump, tfjsOracle(files)),
  };
}

const TFJS_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/** An independent decoder of tfjs weights (no quantization); undefined when the files break it. */
function tfjsOracle(files: Files): TensorDump[] | undefined {
  let json: { weightsManifest?: unknown };
  try {
    json = JSON.parse(files[FILES.tfjs]!.toString()) as { weightsManifest?: unknown };
  } catch {
    return undefined;
  }
  if (!Array.isArray(json?.weightsManifest)) return undefined;
  const dir = path.posix.dirname(FILES.tfjs);
  const out: TensorDump[] = [];
  for (const g of json.weightsManifest as Array<{ paths?: unknown; weights?: unknown }>) {
    if (!Array.isArray(g?.paths) || !Array.isArray(g.weights)) return undefined;
    const parts: Buffer[] = [];
    for (const p of g.paths) {
      // Only files inside the model directory count as the model's.
      if (
        typeof p !== 'string' ||
        p.split('/').some((s) => s === '' || s === '.' || s === '..') ||
        p.includes('\\')
      )
        return undefined;
      const f = files[`${dir}/${p}`];
      if (f === undefined) return undefined;
      parts.push(f);
    }
    const buf = Buffer.concat(parts);
    let at = 0;
    for (const w of g.weights as Array<{
      name?: unknown;
      shape?: unknown;
      dtype?: unknown;
      quantization?: unknown;
    } | null>) {
      if (typeof w?.name !== 'string' || !Array.isArray(w.shape) || w.quantization !== undefined)
        return undefined;
      if (!w.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return undefined;
      const n = (w.shape as number[]).reduce((a, b) => a * b, 1);
      const shape = w.shape as number[];
      if (w.dtype === 'string') {
        const strings: string[] = [];
        for (let k = 0; k < n; k++) {
          if (at + 4 > buf.length) return undefined;
          const len = buf.readUInt32LE(at);
          if (at + 4 + len > buf.length) return undefined;
          strings.push(hex(buf.subarray(at + 4, at + 4 + len)));
          at += 4 + len;
        }
        out.push({ name: w.name, dtype: 'string', shape, data: strings });
        continue;
      }
      const size = TFJS_BYTES[String(w.dtype)];
      if (size === undefined || at + n * size > buf.length) return undefined;
      out.push({
        name: w.name,
        dtype: String(w.dtype),
        shape,
        data: hex(buf.subarray(at, at + n * size)),
      });
      at += n * size;
    }
  }
  if (new Set(out.map((t) => t.name)).size !== out.length) return undefined;
  return out.sort(byName);
}

/** Start offsets of every record, then the file's end. */
function recordBoundaries(bytes: Buffer): number[] {
  const out = [0];
  let at = 0;
  while (at + 12 <= bytes.length) {
    at += 16 + Number(bytes.readBigUInt64LE(at));
    out.push(at);
  }
  return out;
}

/** A record's length changed (length CRC recomputed), a payload byte changed (payload CRC recomputed), or the file cut inside a record. */
function craftEvents(original: Files, rnd: () => number): Crafted {
  const full = original[FILES.events]!;
  const starts = recordBoundaries(full).slice(0, -1);
  const k = randInt(rnd, starts.length);
  const at = starts[k]!;
  const len = Number(full.readBigUInt64LE(at));
  const bytes = Buffer.from(full);
  const edit = randInt(rnd, 3);
  let what: string;
  let consistent: (dump: string, orig: unknown[]) => boolean;
  if (edit === 0) {
    const claimed = pick(rnd, [
      0,
      len - 1,
      len + 1,
      2 ** 30,
      2 ** 40,
      2 ** 63,
      randInt(rnd, 2 ** 32),
    ]);
    bytes.writeBigUInt64LE(BigInt(claimed), at);
    bytes.writeUInt32LE(maskCrc(crc32c(bytes.subarray(at, at + 8))), at + 8);
    what = `record ${k} length ${claimed}`;
    // No length but the true one frames the following records: an error, always.
    consistent = () => false;
  } else if (edit === 1) {
    bytes[at + 12 + randInt(rnd, len)]! ^= 1 << randInt(rnd, 8);
    bytes.writeUInt32LE(maskCrc(crc32c(bytes.subarray(at + 12, at + 12 + len))), at + 12 + len);
    what = `record ${k} payload byte with its CRC`;
    // The other records read as before; record k is whatever its new bytes say.
    consistent = (dump, orig) => {
      const got = JSON.parse(dump) as unknown[];
      return (
        got.length === orig.length &&
        got.every((e, i) => i === k || JSON.stringify(e) === JSON.stringify(orig[i]))
      );
    };
  } else {
    const cut = at + 1 + randInt(rnd, len + 15);
    const files = { ...original, [FILES.events]: full.subarray(0, cut) };
    return { files, label: `events cut at ${cut} inside record ${k}`, consistent: () => false };
  }
  const files = { ...original, [FILES.events]: bytes };
  let orig: unknown[] | undefined;
  return {
    files,
    label: `crafted events: ${what}`,
    consistent: (dump) => consistent(dump, (orig ??= originalEvents(full))),
  };
}

let cachedEvents: { bytes: Buffer; events: unknown[] } | undefined;
/** The original's events as the harness recorded them (set by the harness). */
function originalEvents(full: Buffer): unknown[] {
  if (cachedEvents?.bytes !== full) throw new Error('fuzz: original events not recorded');
  return cachedEvents.events;
}
const originalDumps: Partial<Record<Format, string>> = {};

/** Remembers what the original files of `format` read as (the harness's first read). */
export function recordOriginal(format: Format, files: Files, dump: string): void {
  originalDumps[format] = dump;
  if (format === 'events')
    cachedEvents = { bytes: files[FILES.events]!, events: JSON.parse(dump) as unknown[] };
}
