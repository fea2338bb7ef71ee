// saveCheckpoint: slim's Saver.save. Writes `dir/PREFIX-STEP` as a V2 bundle, then the
// `checkpoint` state file, then deletes checkpoints beyond maxToKeep.

import * as tf from '@tensorflow/tfjs-core';
import type { FileStore } from '@tfslim/storage';
import { errorCode, explainErrorCode } from '@tfslim/storage';
import type { NamedRawTensor } from './bundle-writer.js';
import { validateRaw, writeBundle } from './bundle-writer.js';
import type { CheckpointState } from './checkpoint-state.js';
import {
  checkpointExists,
  latestCheckpoint,
  readCheckpointState,
  resolveStatePath,
  writeCheckpointState,
} from './checkpoint-state.js';
import { tensorToRaw } from './convert.js';
import type { RawTensor } from './dtypes.js';
import { CheckpointArgumentError, CheckpointError, CheckpointWriteError } from './errors.js';
import { storeOf } from './fs-util.js';
import { removeLeftovers } from './leftovers.js';
import { indexFilename, isBundleFileOf } from './paths.js';
import type { SaveableVariables } from './variables-input.js';
import { toSaveEntries } from './variables-input.js';

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /** Appended to the prefix (`model.ckpt-<step>`); a number, bigint or scalar tensor. */
  globalStep?: number | bigint | tf.Tensor;
  /** Newest checkpoints kept; older ones are deleted once the new one is durable. Default 5; 0 or Infinity keeps all. */
  maxToKeep?: number;
  /** File name prefix inside `dir`. Default `model.ckpt`. */
  prefix?: string;
  /**
   * int32 tensors written as DT_INT64, so TensorFlow reads them as it wrote them. Default
   * `['global_step']` (TF's step counter is int64).
   */
  int64Names?: readonly string[];
  /** Name of the state file. Default `checkpoint`. */
  latestFilename?: string;
  /** Largest piece written at once, in bytes (default 4 MiB). */
  chunkBytes?: number;
  /**
   * Where to write: a `FileStore` from `@tfslim/storage` (default: the file system in Node,
   * one in-memory store per page in a browser).
   */
  store?: FileStore;
}

const FN = 'saveCheckpoint';

// One save at a time per directory (and store) in this process: the state file is read-modify-write.
const queues = new WeakMap<FileStore, Map<string, Promise<unknown>>>();

async function stepOf(step: number | bigint | tf.Tensor): Promise<bigint> {
  let v: number | bigint;
  if (step instanceof tf.Tensor) {
    if (step.size !== 1) {
      throw new CheckpointArgumentError(
        `${FN}: expected globalStep a scalar tensor, got shape [${step.shape.join(',')}]. Pass the step variable or a number.`,
      );
    }
    v = (await step.data())[0] as number;
  } else {
    v = step;
  }
  if (typeof v === 'number' && !Number.isSafeInteger(v)) {
    throw new CheckpointArgumentError(
      `${FN}: expected globalStep a non-negative integer, got ${v}. Pass a whole number.`,
    );
  }
  const b = BigInt(v);
  if (b < 0n)
    throw new CheckpointArgumentError(
      `${FN}: expected globalStep a non-negative integer, got ${b}. Pass a whole number.`,
    );
  return b;
}

/**
 * Saves variables as a TensorFlow V2 checkpoint `dir/<prefix>-<globalStep>` and records it
 * in `dir/checkpoint`, keeping the newest `maxToKeep`. Python TensorFlow reads the result
 * with `tf.train.load_checkpoint`. Values are snapshotted when called (training may go on
 * while the files are written) and streamed to disk one tensor at a time. Every file is
 * written under a temporary name, fsynced and renamed; `checkpoint` is updated only after
 * the new files are durable, and old checkpoints are deleted only after that, so a crash at
 * any point leaves the previous latest checkpoint loadable. Returns the new prefix.
 *
 * When `globalStep` is given and no variable is named `global_step`, a `global_step` int64
 * scalar is written too, as TF1 does.
 *
 * @example
 * const w = tf.variable(tf.zeros([3, 3]), true, 'w');
 * const prefix = await saveCheckpoint('/train', { 'conv/weights': w }, { globalStep: 100 });
 * // '/train/model.ckpt-100'
 */
export async function saveCheckpoint(
  dir: string,
  variables: SaveableVariables,
  options: SaveCheckpointOptions = {},
): Promise<string> {
  const entries = toSaveEntries(FN, variables);
  const maxToKeep = options.maxToKeep ?? 5;
  if (!(maxToKeep === Infinity || (Number.isInteger(maxToKeep) && maxToKeep >= 0))) {
    throw new CheckpointArgumentError(
      `${FN}: expected maxToKeep a non-negative integer or Infinity, got ${maxToKeep}. Pass e.g. 5.`,
    );
  }
  const prefixName = options.prefix ?? 'model.ckpt';
  if (prefixName.length === 0 || prefixName.includes('/') || prefixName.includes('\\')) {
    throw new CheckpointArgumentError(
      `${FN}: expected prefix a file name without slashes, got ${JSON.stringify(prefixName)}. Pass e.g. 'model.ckpt'.`,
    );
  }
  const int64Names = new Set(options.int64Names ?? ['global_step']);

  const seen = new Set<string>();
  for (const [name] of entries) {
    if (name.length === 0)
      throw new CheckpointArgumentError(
        `${FN}: expected non-empty variable names, got "". Name every variable.`,
      );
    if (seen.has(name))
      throw new CheckpointArgumentError(
        `${FN}: expected unique names, got "${name}" twice. Rename one of them.`,
      );
    seen.add(name);
  }
  // Snapshot before the first await: tf.clone shares the data (no copy on the cpu backend)
  // and keeps it alive even if a variable is assigned while the files are being written.
  const stepInput =
    options.globalStep instanceof tf.Tensor ? tf.clone(options.globalStep) : options.globalStep;
  const snapshot: Array<[string, tf.Tensor | RawTensor]> = entries.map(([name, v]) => [
    name,
    v instanceof tf.Tensor ? tf.clone(v) : v,
  ]);
  let step: bigint | undefined;
  try {
    step = stepInput === undefined ? undefined : await stepOf(stepInput);
  } catch (e) {
    for (const [, v] of snapshot) if (v instanceof tf.Tensor) v.dispose();
    throw e;
  } finally {
    if (stepInput instanceof tf.Tensor) stepInput.dispose();
  }
  if (step !== undefined && !seen.has('global_step')) {
    snapshot.push(['global_step', { dtype: 'int64', shape: [], data: new BigInt64Array([step]) }]);
  }
  snapshot.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

  const store = storeOf(options);
  const absDir = store.path.resolve(dir);
  const prefix = store.path.join(absDir, step === undefined ? prefixName : `${prefixName}-${step}`);
  let perStore = queues.get(store);
  if (perStore === undefined) queues.set(store, (perStore = new Map()));
  const dirQueue = perStore;
  const previous = dirQueue.get(absDir) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(() => saveLocked(store, absDir, prefix, snapshot, int64Names, maxToKeep, options));
  dirQueue.set(absDir, run);
  try {
    return await run;
  } finally {
    if (dirQueue.get(absDir) === run) dirQueue.delete(absDir);
  }
}

async function saveLocked(
  store: FileStore,
  dir: string,
  prefix: string,
  snapshot: Array<[string, tf.Tensor | RawTensor]>,
  int64Names: Set<string>,
  maxToKeep: number,
  options: SaveCheckpointOptions,
): Promise<string> {
  async function* tensors(): AsyncGenerator<NamedRawTensor> {
    for (const [i, [name, v]] of snapshot.entries()) {
      let raw: RawTensor;
      if (v instanceof tf.Tensor) {
        raw = await tensorToRaw(v, int64Names.has(name));
      } else {
        raw = v;
      }
      const t = { ...raw, name } as NamedRawTensor;
      validateRaw(t, FN);
      yield t;
      // Written: release this snapshot's hold on the data.
      if (v instanceof tf.Tensor) v.dispose();
      snapshot[i] = [name, { dtype: 'float32', shape: [0], data: new Float32Array(0) }];
    }
  }
  let state: CheckpointState | null;
  try {
    await store.mkdir(dir);
    await writeBundle(
      prefix,
      tensors(),
      options.chunkBytes === undefined ? { store } : { store, chunkBytes: options.chunkBytes },
    );
    state = await updateState(store, dir, prefix, maxToKeep, options.latestFilename);
  } catch (e) {
    throw await writeFailed(e, store, dir, prefix, options.latestFilename);
  } finally {
    for (const [, v] of snapshot) if (v instanceof tf.Tensor && !v.isDisposed) v.dispose();
  }
  // What a saver killed here before left behind (never a checkpoint the state lists).
  await removeLeftovers(store, dir, options.prefix ?? 'model.ckpt', state);
  return prefix;
}

/**
 * A file-system failure of a save as a {@link CheckpointWriteError} that says which file,
 * what happened, and which checkpoint is still the latest (the save changes nothing the
 * state file points to until its own files are durable). Other errors pass through.
 */
async function writeFailed(
  e: unknown,
  store: FileStore,
  dir: string,
  prefix: string,
  latestFilename: string | undefined,
): Promise<unknown> {
  const code = errorCode(e);
  if (code === undefined || e instanceof CheckpointError) return e;
  const stateOpts = latestFilename === undefined ? { store } : { store, latestFilename };
  const intact = await latestCheckpoint(dir, stateOpts).catch(() => null);
  const path = (e as { path?: unknown }).path;
  const explained = explainErrorCode(code);
  const kept =
    intact === null
      ? 'There was no earlier checkpoint in that directory'
      : `The latest checkpoint, ${intact}, is intact`;
  return new CheckpointWriteError(
    {
      fn: FN,
      file: typeof path === 'string' ? path : prefix,
      expected: `to write checkpoint ${prefix}`,
      got: `${code}${explained === undefined ? '' : ` (${explained.what})`}`,
      fix: `${kept}. ${explained?.fix ?? 'See the cause of this error'}, then save again`,
    },
    code,
    intact,
    e,
  );
}

async function updateState(
  store: FileStore,
  dir: string,
  prefix: string,
  maxToKeep: number,
  latestFilename?: string,
): Promise<CheckpointState | null> {
  const stateOpts = latestFilename === undefined ? { store } : { store, latestFilename };
  let old: CheckpointState | null = null;
  try {
    old = await readCheckpointState(dir, stateOpts);
  } catch (e) {
    // A damaged state file must not stop training from saving; it is replaced below.
    if (!(e instanceof CheckpointError)) throw e;
  }
  const now = Date.now() / 1000;
  const kept: Array<{ abs: string; stored: string; time: number }> = [];
  if (old !== null) {
    const times =
      old.allModelCheckpointTimestamps.length === old.allModelCheckpointPaths.length
        ? old.allModelCheckpointTimestamps
        : [];
    for (const [i, p] of old.allModelCheckpointPaths.entries()) {
      const abs = resolveStatePath(store, dir, p);
      if (abs === prefix || kept.some((k) => k.abs === abs)) continue;
      if (!(await checkpointExists(store, abs))) continue;
      kept.push({ abs, stored: p, time: times[i] ?? now });
    }
  }
  const path = store.path;
  kept.push({ abs: prefix, stored: path.basename(prefix), time: now });
  const limit = maxToKeep === 0 ? Infinity : maxToKeep;
  const drop = kept.length > limit ? kept.splice(0, kept.length - limit) : [];
  const rel = (k: { abs: string; stored: string }): string =>
    path.dirname(k.abs) === dir ? path.basename(k.abs) : k.stored;
  const state: CheckpointState = {
    modelCheckpointPath: rel(kept[kept.length - 1]!),
    allModelCheckpointPaths: kept.map(rel),
    allModelCheckpointTimestamps: kept.map((k) => k.time),
  };
  if (old?.lastPreservedTimestamp !== undefined)
    state.lastPreservedTimestamp = old.lastPreservedTimestamp;
  await writeCheckpointState(dir, state, stateOpts);
  // Only now, with the new checkpoint and the state durable, delete the old ones: the index
  // first, so a half-deleted checkpoint never looks complete.
  for (const d of drop) {
    if (path.dirname(d.abs) !== dir) continue;
    await store.remove(indexFilename(d.abs));
    const names = await store.list(dir);
    for (const f of names) {
      if (isBundleFileOf(d.abs, f) && !f.endsWith('.index')) await store.remove(path.join(dir, f));
    }
  }
  if (drop.length > 0) await store.syncDir(dir);
  // The state as written, when the old one could be read (else it may have lost track of
  // checkpoints, which must then not look like leftovers).
  return old === null ? null : state;
}
