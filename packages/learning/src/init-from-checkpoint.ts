// TF's tf.compat.v1.train.init_from_checkpoint, eager: resolves the assignment map to
// {checkpointName: variable} the way TF does, then restores those variables now.
import * as tf from '@tensorflow/tfjs-core';
import { restore, type RestoreReport } from '@tfslim/checkpoint';
import type { FileStore } from '@tfslim/storage';
import { defaultStore, nearestScopes, type VariableStore } from '@tfslim/variables';
import { LearningError } from './errors.js';

/**
 * TF's `assignment_map`: checkpoint name or scope -> current variable, variable name or scope.
 * - `'old/': 'new/'`: every variable under `new/` from the same name under `old/`;
 * - `'/': 'new/'`: every variable under `new/` from the checkpoint's root;
 * - `'old/': '/'`: every variable from the same name under `old/`;
 * - `'old/w': 'new/v'` or `'old/w': variable`: one variable.
 */
export type AssignmentMap = Readonly<Record<string, string | tf.Variable>>;

/** Options of {@link initFromCheckpoint}. */
export interface InitFromCheckpointOptions {
  /** Store whose variables the names refer to (default: `defaultStore`). */
  store?: VariableStore;
  /** Where the checkpoint is (default: the file system in Node, memory in a browser). */
  fileStore?: FileStore;
}

const FN = 'initFromCheckpoint';

/** A scope-to-scope entry's `{checkpointName: slimName}` pairs, as TF's `_init_from_checkpoint`. */
function scopePairs(
  ckptScope: string,
  current: string,
  names: readonly string[],
): Array<[string, string]> {
  if (!ckptScope.endsWith('/')) {
    throw new LearningError(
      `${FN}: expected '${current}' to be a variable of the store or a scope-to-scope entry ('${ckptScope}/': '${current}'), got a variable name mapped to a checkpoint name without '/'. Map one variable by its full name, or both scopes with a trailing '/'.`,
    );
  }
  const scope = current.includes('/') ? current.slice(0, current.lastIndexOf('/')) : '';
  const inScope = names.filter((n) => scope === '' || n.startsWith(`${scope}/`));
  if (inScope.length === 0) {
    const near = nearestScopes(scope, names);
    throw new LearningError(
      `${FN}: expected variables under '${current}', got none of the ${names.length} in the store` +
        (near.length > 0 ? ` (did you mean ${near.map((s) => `'${s}/'`).join(' or ')}?)` : '') +
        ". Create the model first (its variables must exist), and give the current scope with a trailing '/'.",
    );
  }
  return [...inScope].sort().map((name) => {
    let rest = name.slice(scope.length);
    if (current !== '/') rest = rest.slice(1);
    let full = ckptScope === '/' ? rest : ckptScope + rest;
    if (full.endsWith('/')) full = full.slice(0, -1);
    return [full, name];
  });
}

/**
 * Resolves an assignment map to `[checkpointName, variable]` pairs with TF's rules (entries in
 * sorted key order; a later entry for the same variable wins). One checkpoint tensor may feed
 * several variables.
 *
 * @example
 * resolveAssignmentMap({ 'vgg_16/': 'net/' }, store); // [['vgg_16/fc8/weights', <net/fc8/weights>], ...]
 */
export function resolveAssignmentMap(
  assignmentMap: AssignmentMap,
  store: VariableStore = defaultStore,
): Array<[string, tf.Variable]> {
  if (typeof assignmentMap !== 'object' || assignmentMap === null) {
    throw new LearningError(
      `${FN}: expected an assignment map {checkpointScopeOrName: currentScopeOrName}, got ${assignmentMap === null ? 'null' : typeof assignmentMap}. Pass e.g. { 'old_scope/': 'new_scope/' }.`,
    );
  }
  const named = store.namedVariables();
  const names = Object.keys(named);
  const byVariable = new Map<tf.Variable, string>();
  for (const key of Object.keys(assignmentMap).sort()) {
    const current = assignmentMap[key];
    if (current instanceof tf.Tensor) {
      byVariable.set(current as tf.Variable, key);
      continue;
    }
    if (typeof current !== 'string') {
      throw new LearningError(
        `${FN}: expected a variable, a variable name or a scope for '${key}', got ${current === null ? 'null' : typeof current}. Pass e.g. 'new_scope/' or a tf.Variable.`,
      );
    }
    const one = named[current];
    if (one !== undefined) {
      byVariable.set(one, key);
      continue;
    }
    for (const [ckptName, name] of scopePairs(key, current, names))
      byVariable.set(named[name] as tf.Variable, ckptName);
  }
  return [...byVariable].map(([v, ckptName]) => [ckptName, v]);
}

/** Splits pairs into `{checkpointName: variable}` maps, a checkpoint name at most once per map. */
function restoreMaps(
  pairs: ReadonlyArray<[string, tf.Variable]>,
): Array<Record<string, tf.Variable>> {
  const maps: Array<Record<string, tf.Variable>> = [];
  for (const [name, v] of pairs) {
    let map = maps.find((m) => m[name] === undefined);
    if (map === undefined) maps.push((map = {}));
    map[name] = v;
  }
  return maps;
}

/**
 * TF's `tf.compat.v1.train.init_from_checkpoint(ckpt, assignment_map)`: sets the store's
 * variables from a checkpoint under other names or scopes, now (TF sets their initializers).
 * Every checkpoint name must exist and every shape match (a `RestoreError` lists problems,
 * and no variable changes). Unlike TF, a scope that selects no variable is an error, not a
 * silent no-op.
 *
 * @example
 * // The checkpoint's 'vgg_16/...' into this model's 'net/...', and one renamed bias:
 * await initFromCheckpoint('/ckpt/vgg_16.ckpt', {
 *   'vgg_16/': 'net/',
 *   'vgg_16/fc8/biases': 'head/biases',
 * }, { store });
 */
export async function initFromCheckpoint(
  checkpoint: string,
  assignmentMap: AssignmentMap,
  options: InitFromCheckpointOptions = {},
): Promise<RestoreReport> {
  const pairs = resolveAssignmentMap(assignmentMap, options.store ?? defaultStore);
  const restoreOptions = options.fileStore === undefined ? {} : { store: options.fileStore };
  const reports: RestoreReport[] = [];
  for (const map of restoreMaps(pairs))
    reports.push(await restore(checkpoint, map, restoreOptions));
  const [first] = reports;
  if (first === undefined) {
    throw new LearningError(
      `${FN}: expected an assignment map with at least one entry, got none. Pass e.g. { 'old_scope/': 'new_scope/' }.`,
    );
  }
  const restored = new Set(reports.flatMap((r) => r.restored));
  return {
    ...first,
    restored: [...restored],
    unusedInCheckpoint: first.unusedInCheckpoint.filter((n) => !restored.has(n)),
  };
}
