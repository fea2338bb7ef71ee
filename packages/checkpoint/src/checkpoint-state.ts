// The directory's `checkpoint` file: a CheckpointState protobuf in text format (latest path, all
// paths oldest first, optional timestamps).

import type { FileStore } from '@tfslim/storage';
import { corrupt } from './errors.js';
import { storeOf, writeFileAtomic } from './fs-util.js';
import { indexFilename } from './paths.js';
import { isTableFile } from './v1.js';

/**
 * The contents of a `checkpoint` state file. Paths are as stored: relative ones are
 * relative to the directory.
 *
 * @example
 * // { modelCheckpointPath: 'model.ckpt-20', allModelCheckpointPaths: ['model.ckpt-10', 'model.ckpt-20'],
 * //   allModelCheckpointTimestamps: [1700000000.5, 1700000600.25] }
 */
export interface CheckpointState {
  modelCheckpointPath: string;
  allModelCheckpointPaths: string[];
  /** Unix seconds, one per path when present (TF writes them since 1.9). */
  allModelCheckpointTimestamps: number[];
  lastPreservedTimestamp?: number;
}

/** The state file's default name. */
export const STATE_FILENAME = 'checkpoint';

type Token = { kind: 'ident' | 'colon' | 'string' | 'number'; text: string; bytes?: number[] };

function tokenize(text: string, file: string): Token[] {
  const fn = 'readCheckpointState';
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',' || c === ';') {
      i++;
    } else if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === ':') {
      out.push({ kind: 'colon', text: c });
      i++;
    } else if (c === '"' || c === "'") {
      const bytes: number[] = [];
      const enc = new TextEncoder();
      i++;
      for (;;) {
        if (i >= n || text[i] === '\n')
          throw corrupt(fn, file, undefined, 'a closed string', 'an unterminated string');
        const d = text[i]!;
        if (d === c) {
          i++;
          break;
        }
        if (d !== '\\') {
          const cp = text.codePointAt(i)!;
          const ch = String.fromCodePoint(cp);
          bytes.push(...enc.encode(ch));
          i += ch.length;
          continue;
        }
        const e = text[i + 1];
        if (e === undefined) throw corrupt(fn, file, undefined, 'a complete escape', 'end of file');
        const simple: Record<string, number> = {
          n: 10,
          r: 13,
          t: 9,
          '"': 34,
          "'": 39,
          '\\': 92,
          '?': 63,
          a: 7,
          b: 8,
          f: 12,
          v: 11,
        };
        if (simple[e] !== undefined) {
          bytes.push(simple[e]);
          i += 2;
        } else if (e >= '0' && e <= '7') {
          let j = i + 1;
          let v = 0;
          while (j < i + 4 && j < n && text[j]! >= '0' && text[j]! <= '7')
            v = v * 8 + Number(text[j++]);
          bytes.push(v & 0xff);
          i = j;
        } else if (e === 'x' || e === 'X') {
          let j = i + 2;
          let v = 0;
          while (j < i + 4 && j < n && /[0-9a-fA-F]/.test(text[j]!))
            v = v * 16 + parseInt(text[j++]!, 16);
          if (j === i + 2) throw corrupt(fn, file, undefined, 'hex digits after \\x', 'none');
          bytes.push(v);
          i = j;
        } else {
          throw corrupt(fn, file, undefined, 'a known string escape', `\\${e}`);
        }
      }
      out.push({ kind: 'string', text: new TextDecoder().decode(Uint8Array.from(bytes)), bytes });
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < n && /[A-Za-z0-9_.]/.test(text[j]!)) j++;
      out.push({ kind: 'ident', text: text.slice(i, j) });
      i = j;
    } else if (/[-+0-9.]/.test(c)) {
      let j = i;
      while (j < n && /[-+0-9.eEfFxXa-dA-D]/.test(text[j]!)) j++;
      out.push({ kind: 'number', text: text.slice(i, j) });
      i = j;
    } else {
      throw corrupt(
        fn,
        file,
        undefined,
        'text-format CheckpointState',
        `unexpected character ${JSON.stringify(c)}`,
      );
    }
  }
  return out;
}

/**
 * Parses the text of a `checkpoint` file. Unknown fields are skipped; malformed text throws
 * CheckpointCorruptError naming `file`.
 *
 * @example
 * parseCheckpointState('model_checkpoint_path: "model.ckpt-5"\nall_model_checkpoint_paths: "model.ckpt-5"\n');
 */
export function parseCheckpointState(text: string, file = STATE_FILENAME): CheckpointState {
  const fn = 'readCheckpointState';
  const tokens = tokenize(text, file);
  const state: CheckpointState = {
    modelCheckpointPath: '',
    allModelCheckpointPaths: [],
    allModelCheckpointTimestamps: [],
  };
  for (let i = 0; i < tokens.length;) {
    const key = tokens[i]!;
    const colon = tokens[i + 1];
    const value = tokens[i + 2];
    if (
      key.kind !== 'ident' ||
      colon?.kind !== 'colon' ||
      value === undefined ||
      (value.kind !== 'string' && value.kind !== 'number')
    ) {
      throw corrupt(fn, file, undefined, '"field: value" lines', `${key.kind} "${key.text}"`);
    }
    const num = (): number => {
      const v = Number(value.text.replace(/[fF]$/, ''));
      if (value.kind !== 'number' || !Number.isFinite(v))
        throw corrupt(fn, file, undefined, `a number for ${key.text}`, value.text);
      return v;
    };
    const str = (): string => {
      if (value.kind !== 'string')
        throw corrupt(fn, file, undefined, `a quoted string for ${key.text}`, value.text);
      return value.text;
    };
    switch (key.text) {
      case 'model_checkpoint_path':
        state.modelCheckpointPath = str();
        break;
      case 'all_model_checkpoint_paths':
        state.allModelCheckpointPaths.push(str());
        break;
      case 'all_model_checkpoint_timestamps':
        state.allModelCheckpointTimestamps.push(num());
        break;
      case 'last_preserved_timestamp':
        state.lastPreservedTimestamp = num();
        break;
      default:
        break;
    }
    i += 3;
  }
  return state;
}

function escapeString(s: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(s)) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x27) out += "\\'";
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b < 0x20 || b >= 0x7f) out += '\\' + b.toString(8).padStart(3, '0');
    else out += String.fromCharCode(b);
  }
  return out;
}

/**
 * The text TensorFlow writes for a state (C-escaped strings, one field per line).
 *
 * @example
 * formatCheckpointState({ modelCheckpointPath: 'm-1', allModelCheckpointPaths: ['m-1'], allModelCheckpointTimestamps: [] });
 * // 'model_checkpoint_path: "m-1"\nall_model_checkpoint_paths: "m-1"\n'
 */
export function formatCheckpointState(state: CheckpointState): string {
  let out = `model_checkpoint_path: "${escapeString(state.modelCheckpointPath)}"\n`;
  for (const p of state.allModelCheckpointPaths)
    out += `all_model_checkpoint_paths: "${escapeString(p)}"\n`;
  for (const t of state.allModelCheckpointTimestamps)
    out += `all_model_checkpoint_timestamps: ${String(t)}\n`;
  if (state.lastPreservedTimestamp !== undefined)
    out += `last_preserved_timestamp: ${String(state.lastPreservedTimestamp)}\n`;
  return out;
}

/** Options of the state-file functions ({@link latestCheckpoint}, {@link readCheckpointState}, ...). */
export interface CheckpointStateOptions {
  /** Name of the state file. Default `checkpoint`. */
  latestFilename?: string;
  /** Where the files are (default: the file system in Node, memory in a browser). */
  store?: FileStore;
}

/**
 * Reads `dir/checkpoint`; null when the file does not exist.
 *
 * @example
 * const state = await readCheckpointState('/train');
 * state?.allModelCheckpointPaths; // ['model.ckpt-100', 'model.ckpt-200']
 */
export async function readCheckpointState(
  dir: string,
  options: CheckpointStateOptions = {},
): Promise<CheckpointState | null> {
  const store = storeOf(options);
  const file = store.path.join(dir, options.latestFilename ?? STATE_FILENAME);
  let text: string;
  try {
    text = new TextDecoder().decode(await store.readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
  return parseCheckpointState(text, file);
}

/**
 * Writes `dir/checkpoint` atomically (temporary file, fsync, rename).
 *
 * @example
 * await writeCheckpointState('/train', { modelCheckpointPath: 'model.ckpt-5', allModelCheckpointPaths: ['model.ckpt-5'], allModelCheckpointTimestamps: [] });
 */
export async function writeCheckpointState(
  dir: string,
  state: CheckpointState,
  options: CheckpointStateOptions = {},
): Promise<void> {
  const store = storeOf(options);
  const file = store.path.join(dir, options.latestFilename ?? STATE_FILENAME);
  await writeFileAtomic(store, file, new TextEncoder().encode(formatCheckpointState(state)));
}

/** Resolves a stored path against `dir` (relative paths are relative to it). */
export function resolveStatePath(store: FileStore, dir: string, p: string): string {
  return store.path.isAbsolute(p) ? p : store.path.join(dir, p);
}

/** Whether a checkpoint exists at `prefix`: a V2 index, or a V1 table file. */
export async function checkpointExists(store: FileStore, prefix: string): Promise<boolean> {
  if ((await store.stat(indexFilename(prefix)))?.kind === 'file') return true;
  return isTableFile(store, prefix);
}

/** Whether `p` is `dir` itself or below it, by the store's path arithmetic (no file access). */
export function isInsideDir(store: FileStore, dir: string, p: string): boolean {
  const d = store.path.resolve(dir);
  const r = store.path.resolve(p);
  if (r === d) return true;
  const base = d.endsWith('/') || d.endsWith('\\') ? d : d + (d.includes('\\') ? '\\' : '/');
  return r.startsWith(base);
}

/**
 * Where the state file's `model_checkpoint_path` points, kept inside `dir`. TensorFlow
 * writes the state file beside the checkpoints (relative names since TF2, absolute ones from
 * TF1's `Saver`), so every legitimate prefix is in `dir`. A relative path that climbs out
 * (`../x`) is a CheckpointCorruptError naming it; an absolute path outside `dir` (a directory
 * copied from another machine, or a hostile file) is looked up by its base name in `dir`.
 * `.` (Keras writes it when its prefix was empty) names no checkpoint: null. Never a path
 * outside `dir`.
 */
export function statePrefixInDir(
  store: FileStore,
  dir: string,
  stored: string,
  file: string,
): string | null {
  const path = store.path;
  if (path.isAbsolute(stored)) {
    return isInsideDir(store, dir, stored) ? stored : path.join(dir, path.basename(stored));
  }
  const p = path.join(dir, stored);
  if (!isInsideDir(store, dir, p)) {
    throw corrupt(
      'latestCheckpoint',
      file,
      undefined,
      'model_checkpoint_path naming a checkpoint inside the directory of the state file',
      JSON.stringify(stored),
    );
  }
  // The directory itself: its PREFIX.index would be a file beside it.
  return isInsideDir(store, p, dir) ? null : p;
}

/**
 * The prefix of the newest checkpoint in `dir` per its `checkpoint` file, or null when there
 * is none or its files are missing (as TensorFlow's `tf.train.latest_checkpoint`). The prefix
 * is always inside `dir`: an absolute path elsewhere (the directory was moved, or copied from
 * another machine) is looked up by its base name inside `dir`; a relative path climbing out
 * of `dir` throws CheckpointCorruptError.
 *
 * @example
 * const prefix = await latestCheckpoint('/train'); // '/train/model.ckpt-200' or null
 */
export async function latestCheckpoint(
  dir: string,
  options: CheckpointStateOptions = {},
): Promise<string | null> {
  const store = storeOf(options);
  const state = await readCheckpointState(dir, options);
  if (state === null || state.modelCheckpointPath === '') return null;
  const file = store.path.join(dir, options.latestFilename ?? STATE_FILENAME);
  const p = statePrefixInDir(store, dir, state.modelCheckpointPath, file);
  return p !== null && (await checkpointExists(store, p)) ? p : null;
}
