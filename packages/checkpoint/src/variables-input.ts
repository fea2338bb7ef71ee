// The two ways users pass variables, checked: an array keyed by each variable's slim name, or a
// map from checkpoint name to variable (or tensor, or raw tensor when saving).

import * as tf from '@tensorflow/tfjs-core';
import type { RawTensor } from './dtypes.js';
import { TF_DTYPE_IDS } from './dtypes.js';
import { CheckpointArgumentError } from './errors.js';

/** Something saveCheckpoint can write: a tfjs tensor or variable, or a raw tensor. */
export type Saveable = tf.Tensor | RawTensor;

/**
 * Variables to save: an array of tfjs Variables (keyed by slim name, else `.name`), or a map from checkpoint
 * name to tensor, variable, or raw tensor.
 *
 * @example
 * const vars: SaveableVariables = { 'vgg_16/fc8/biases': biasVar, global_step: stepVar };
 */
export type SaveableVariables = readonly tf.Variable[] | Readonly<Record<string, Saveable>>;

/**
 * Variables to restore: an array of tfjs Variables (keyed by slim name, else `.name`), or a map from
 * checkpoint name to the variable that receives it.
 *
 * @example
 * const vars: RestorableVariables = { 'vgg_16/conv1/conv1_1/weights': w };
 */
export type RestorableVariables = readonly tf.Variable[] | Readonly<Record<string, tf.Variable>>;

const FULL_NAMES = Symbol.for('@tfslim/variable-full-names/v1');

/**
 * The name a variable has in a checkpoint: its slim full name when `@tfslim/variables` created
 * it (published process-wide, so this package needs no dependency on it), else its tfjs
 * `.name`. A second store's tfjs names carry a prefix (`tfslim_store_3/net/w`) that no
 * checkpoint holds; slim names (`net/w`) are what TF writes and reads.
 */
export function checkpointNameOf(v: tf.Variable): string {
  const g = globalThis as unknown as Record<symbol, WeakMap<tf.Variable, string> | undefined>;
  return g[FULL_NAMES]?.get(v) ?? v.name;
}

/** Whether `x` is a raw tensor object (dtype, shape, typed data). */
export function isRawTensor(x: unknown): x is RawTensor {
  if (typeof x !== 'object' || x === null || x instanceof tf.Tensor) return false;
  const r = x as { dtype?: unknown; shape?: unknown; data?: unknown };
  return (
    typeof r.dtype === 'string' &&
    r.dtype in TF_DTYPE_IDS &&
    Array.isArray(r.shape) &&
    r.data !== undefined
  );
}

/** Whether `x` is a tfjs Variable (has `assign`). */
export function isVariable(x: unknown): x is tf.Variable {
  return x instanceof tf.Tensor && typeof (x as tf.Variable).assign === 'function';
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x instanceof tf.Tensor && x.isDisposed) return `a disposed ${x.dtype} tensor`;
  if (x instanceof tf.Tensor) return `a ${x.dtype} tensor`;
  return typeof x === 'object' ? (Array.isArray(x) ? 'an array' : 'an object') : typeof x;
}

/** Normalizes to [name, value] pairs, checking each value. */
export function toSaveEntries(fn: string, vars: SaveableVariables): Array<[string, Saveable]> {
  const out: Array<[string, Saveable]> = [];
  if (Array.isArray(vars)) {
    for (const [i, v] of (vars as readonly unknown[]).entries()) {
      if (!isVariable(v) || v.isDisposed) {
        throw new CheckpointArgumentError(
          `${fn}: expected an array of live tf.Variable, got ${describe(v)} at index ${i}. Pass a {name: tensor} map for plain tensors.`,
        );
      }
      out.push([checkpointNameOf(v), v]);
    }
    return out;
  }
  if (typeof vars !== 'object' || vars === null) {
    throw new CheckpointArgumentError(
      `${fn}: expected an array of variables or a {name: tensor} map, got ${describe(vars)}. Pass one of those.`,
    );
  }
  for (const [name, v] of Object.entries(vars as Record<string, unknown>)) {
    if (
      (!(v instanceof tf.Tensor) && !isRawTensor(v)) ||
      (v instanceof tf.Tensor && v.isDisposed)
    ) {
      throw new CheckpointArgumentError(
        `${fn}: expected a tensor, variable or raw tensor for "${name}", got ${describe(v)}. Pass tfjs tensors or {dtype, shape, data}.`,
      );
    }
    out.push([name, v]);
  }
  return out;
}

/** Normalizes to [checkpointName, variable] pairs, checking each value is a Variable. */
export function toRestoreEntries(
  fn: string,
  vars: RestorableVariables,
): Array<[string, tf.Variable]> {
  const out: Array<[string, tf.Variable]> = [];
  const entries: Array<[string, unknown]> = Array.isArray(vars)
    ? (vars as readonly unknown[]).map((v, i) => [isVariable(v) ? checkpointNameOf(v) : `#${i}`, v])
    : typeof vars === 'object' && vars !== null
      ? Object.entries(vars as Record<string, unknown>)
      : [];
  if (!Array.isArray(vars) && (typeof vars !== 'object' || vars === null)) {
    throw new CheckpointArgumentError(
      `${fn}: expected an array of variables or a {checkpointName: variable} map, got ${describe(vars)}. Pass one of those.`,
    );
  }
  for (const [name, v] of entries) {
    if (!isVariable(v) || v.isDisposed) {
      throw new CheckpointArgumentError(
        `${fn}: expected a live tf.Variable for "${name}", got ${describe(v)}. Restore needs variables (tf.variable(...)) to assign to.`,
      );
    }
    out.push([name, v]);
  }
  return out;
}

/**
 * Renames variables for restoring under other names: returns `{checkpointName: variable}`
 * with `checkpointName = fn(variableName)` (the variable's slim name for arrays, the key for
 * maps). Return null or undefined from `fn` to leave a variable out.
 *
 * @example
 * // Our model's variables are 'vgg16/...', the checkpoint's 'vgg_16/...':
 * const map = mapVariableNames(vars, (name) => name.replace(/^vgg16\//, 'vgg_16/'));
 * await restore('/ckpt/vgg_16.ckpt', map);
 */
export function mapVariableNames(
  variables: RestorableVariables,
  fn: (name: string) => string | null | undefined,
): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const [name, v] of toRestoreEntries('mapVariableNames', variables)) {
    const mapped = fn(name);
    if (mapped === null || mapped === undefined) continue;
    if (typeof mapped !== 'string' || mapped.length === 0) {
      throw new CheckpointArgumentError(
        `mapVariableNames: expected a non-empty string from the mapping of "${name}", got ${JSON.stringify(mapped)}. Return the checkpoint name, or null to skip.`,
      );
    }
    if (out[mapped] !== undefined) {
      throw new CheckpointArgumentError(
        `mapVariableNames: expected distinct checkpoint names, got "${mapped}" twice (the second from "${name}"). Make the mapping one-to-one.`,
      );
    }
    out[mapped] = v;
  }
  return out;
}
