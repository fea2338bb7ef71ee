// restore and assignFromCheckpointFn: slim's Saver.restore / assign_from_checkpoint_fn.

import * as tf from '@tensorflow/tfjs-core';
import type { FileStore } from '@tfslim/storage';
import { tfjsDtypeOf } from './convert.js';
import { numElements } from './dtypes.js';
import { storeOf } from './fs-util.js';
import { openTensorSource, openTensorSourceSync } from './open.js';
import type { TensorSource } from './tensor-source.js';
import { OBJECT_GRAPH_KEY } from './object-graph.js';
import type { RestorableVariables } from './variables-input.js';
import { toRestoreEntries } from './variables-input.js';
import { TfslimError } from '@tfslim/errors';

/** Options of {@link restore} and {@link assignFromCheckpointFn}. */
export interface RestoreOptions {
  /** Skip variables the checkpoint lacks instead of failing (slim's ignore_missing_vars). */
  ignoreMissingVars?: boolean;
  /** Accept a different shape when the element count agrees, reshaping the value (slim's reshape_variables). */
  reshapeVariables?: boolean;
  /** Where the checkpoint is (default: the file system in Node, memory in a browser). */
  store?: FileStore;
}

/** A variable whose shape differs from the checkpoint's. */
export interface ShapeMismatch {
  name: string;
  variableShape: number[];
  checkpointShape: number[];
}

/** A variable whose dtype cannot take the checkpoint's values. */
export interface DtypeMismatch {
  name: string;
  variableDtype: string;
  checkpointDtype: string;
}

/**
 * What a restore did. `restored` and `missing` are checkpoint names; `unusedInCheckpoint`
 * lists the checkpoint's tensors nobody asked for (TF2's object graph left out);
 * `shapeMismatches` lists the variables reshaped under `reshapeVariables`.
 *
 * @example
 * // { restored: ['vgg_16/conv1/conv1_1/weights', ...], missing: [], unusedInCheckpoint: ['vgg_16/fc8/weights'], shapeMismatches: [] }
 */
export interface RestoreReport {
  /** The checkpoint restored from (a prefix, or a safetensors / model.json path). */
  path: string;
  restored: string[];
  missing: string[];
  unusedInCheckpoint: string[];
  shapeMismatches: ShapeMismatch[];
}

/**
 * Restore refused: variables missing from the checkpoint, or shapes or dtypes that do not
 * match. Lists every problem; no variable was changed.
 *
 * @example
 * try { await restore(ckpt, vars); } catch (e) {
 *   if (e instanceof RestoreError) console.error(e.missing, e.shapeMismatches);
 * }
 */
export class RestoreError extends TfslimError {
  constructor(
    message: string,
    readonly path: string,
    readonly missing: string[],
    readonly shapeMismatches: ShapeMismatch[],
    readonly dtypeMismatches: DtypeMismatch[],
  ) {
    super('RESTORE_MISMATCH', message);
    this.name = 'RestoreError';
  }
}

// Variables at least this large give up their old value before the new one is read.
const RELEASE_BYTES = 16 << 20;

const shapeStr = (s: readonly number[]): string => `[${s.join(',')}]`;

async function restoreFrom(
  fn: string,
  source: TensorSource,
  pairs: Array<[string, tf.Variable]>,
  options: RestoreOptions,
): Promise<RestoreReport> {
  const infos = new Map(source.listVariables().map((v) => [v.name, v]));
  const missing: string[] = [];
  const shapeMismatches: ShapeMismatch[] = [];
  const reshaped: ShapeMismatch[] = [];
  const dtypeMismatches: DtypeMismatch[] = [];
  const todo: Array<{ name: string; variable: tf.Variable; reshape: boolean }> = [];
  for (const [name, variable] of pairs) {
    const info = infos.get(name);
    if (info === undefined) {
      missing.push(name);
      continue;
    }
    const ckDtype = info.dtype === 'unsupported' ? info.tfDtype : tfjsDtypeOf(info.dtype);
    if (ckDtype !== variable.dtype) {
      dtypeMismatches.push({
        name,
        variableDtype: variable.dtype,
        checkpointDtype: `${ckDtype} (stored ${info.tfDtype})`,
      });
      continue;
    }
    const same =
      info.shape.length === variable.shape.length &&
      info.shape.every((d, i) => d === variable.shape[i]);
    if (!same) {
      const m = { name, variableShape: [...variable.shape], checkpointShape: [...info.shape] };
      if (options.reshapeVariables && numElements(info.shape) === variable.size) {
        reshaped.push(m);
      } else {
        shapeMismatches.push(m);
        continue;
      }
    }
    todo.push({ name, variable, reshape: !same });
  }
  const fatalMissing = options.ignoreMissingVars ? [] : missing;
  if (fatalMissing.length > 0 || shapeMismatches.length > 0 || dtypeMismatches.length > 0) {
    const parts: string[] = [];
    if (fatalMissing.length > 0) {
      parts.push(
        `${fatalMissing.length} variable(s) missing from the checkpoint: ${fatalMissing.map((n) => `"${n}"`).join(', ')}`,
      );
    }
    if (shapeMismatches.length > 0) {
      parts.push(
        `${shapeMismatches.length} shape mismatch(es): ` +
          shapeMismatches
            .map(
              (m) =>
                `"${m.name}" variable ${shapeStr(m.variableShape)} vs checkpoint ${shapeStr(m.checkpointShape)}`,
            )
            .join('; '),
      );
    }
    if (dtypeMismatches.length > 0) {
      parts.push(
        `${dtypeMismatches.length} dtype mismatch(es): ` +
          dtypeMismatches
            .map(
              (m) => `"${m.name}" variable ${m.variableDtype} vs checkpoint ${m.checkpointDtype}`,
            )
            .join('; '),
      );
    }
    const fixes: string[] = [];
    if (fatalMissing.length > 0)
      fixes.push('pass ignoreMissingVars: true, exclude them, or map names with mapVariableNames');
    if (shapeMismatches.length > 0)
      fixes.push(
        'exclude them (e.g. a new classifier layer), or pass reshapeVariables: true where element counts agree',
      );
    if (dtypeMismatches.length > 0) fixes.push('create the variables with the checkpoint dtype');
    throw new RestoreError(
      `${fn}: expected every variable in ${source.path} with its shape and dtype, got ${parts.join('. ')}. To fix: ${fixes.join('; ')}. No variable was changed.`,
      source.path,
      fatalMissing,
      shapeMismatches,
      dtypeMismatches,
    );
  }
  const restored: string[] = [];
  for (const { name, variable, reshape } of todo) {
    if (variable.size * 4 >= RELEASE_BYTES && variable.dtype !== 'string') {
      // Large variable: let go of its old value before reading the new one, so peak memory
      // is the weights plus small change rather than the weights plus this tensor. (Zeros
      // cost no resident memory until written.) If reading then fails, it stays zeroed.
      const placeholder = tf.zeros(variable.shape, variable.dtype);
      variable.assign(placeholder);
      placeholder.dispose();
    }
    const value = await source.getTensor(name);
    try {
      if (reshape) {
        tf.tidy(() => variable.assign(tf.reshape(value, variable.shape)));
      } else {
        variable.assign(value);
      }
    } finally {
      value.dispose();
    }
    restored.push(name);
  }
  const wanted = new Set(pairs.map(([n]) => n));
  const unusedInCheckpoint = [...infos.keys()].filter(
    (n) => !wanted.has(n) && n !== OBJECT_GRAPH_KEY,
  );
  return { path: source.path, restored, missing, unusedInCheckpoint, shapeMismatches: reshaped };
}

/**
 * Restores variables from a checkpoint: a TensorFlow prefix (or a directory: its latest
 * checkpoint), a `.safetensors` file, or a tfjs `model.json`. `variables` is an array of
 * tfjs Variables (matched by their slim names, else `.name`) or a `{checkpointName: variable}` map (see
 * {@link mapVariableNames}). Names, dtypes and shapes are all checked before any variable
 * changes; a {@link RestoreError} lists every problem. float64 values restore into float32
 * variables and int64 into int32 (range-checked).
 *
 * @example
 * // Fine-tune: everything but the classifier.
 * const vars = getVariablesToRestore({ exclude: ['vgg_16/fc8'] }); // @tfslim/variables
 * const report = await restore('/ckpt/vgg_16.ckpt', vars);
 * report.unusedInCheckpoint; // ['vgg_16/fc8/biases', 'vgg_16/fc8/weights', ...]
 */
export async function restore(
  path: string,
  variables: RestorableVariables,
  options: RestoreOptions = {},
): Promise<RestoreReport> {
  const pairs = toRestoreEntries('restore', variables);
  const source = await openTensorSource(path, { store: storeOf(options) });
  return restoreFrom('restore', source, pairs, options);
}

/**
 * slim's `assign_from_checkpoint_fn`: returns an async function that restores `variables`
 * from `path` (slim's `init_fn`), or null when there is nothing to restore: no variables,
 * or with `ignoreMissingVars` none of them in the checkpoint (whose index is read now, as
 * slim does).
 *
 * @example
 * const initFn = assignFromCheckpointFn('/ckpt/vgg_16.ckpt', getVariablesToRestore({ exclude: ['vgg_16/fc8'] }), {
 *   ignoreMissingVars: true,
 * });
 * if (initFn) await initFn();
 */
export function assignFromCheckpointFn(
  path: string,
  variables: RestorableVariables,
  options: RestoreOptions = {},
): (() => Promise<RestoreReport>) | null {
  const fn = 'assignFromCheckpointFn';
  let pairs = toRestoreEntries(fn, variables);
  if (options.ignoreMissingVars) {
    const source = openTensorSourceSync(path, fn, storeOf(options));
    pairs = pairs.filter(([name]) => source.has(name));
  }
  if (pairs.length === 0) return null;
  const chosen = pairs;
  return async () =>
    restoreFrom(fn, await openTensorSource(path, { store: storeOf(options) }), chosen, options);
}
