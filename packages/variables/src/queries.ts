// Variable queries: slim's get_variables, get_model_variables, get_unique_variable and friends.
import type * as tf from '@tensorflow/tfjs-core';
import { GraphKeys } from './collections.js';
import { VariableError } from './errors.js';
import { GLOBAL_STEP_NAME } from './global-step.js';
import { inScope } from './names.js';
import { checkScopesMatch, type ScopePattern } from './scope-patterns.js';
import { currentStore } from './scope.js';
import type { VariableStore } from './store.js';

/** Options shared by the queries. */
export interface QueryOptions {
  /** Path-prefix string (whole segments) or start-anchored RegExp over full names. */
  scope?: string | RegExp;
  /** Full names ending with this string. */
  suffix?: string;
  /** Store to query (default: the current scope's, else `defaultStore`). */
  store?: VariableStore;
}

function query(collection: string, options: QueryOptions): tf.Variable[] {
  const store = currentStore(options.store);
  const filter: { collection: string; scope?: string | RegExp; suffix?: string } = { collection };
  if (options.scope !== undefined) filter.scope = options.scope;
  if (options.suffix !== undefined) filter.suffix = options.suffix;
  return store.getVariables(filter);
}

/**
 * Variables of a collection (default GLOBAL_VARIABLES) filtered by scope and suffix (slim's
 * `get_variables`). A string scope matches whole path segments: 'vgg_16/conv1' selects
 * 'vgg_16/conv1/...' but not 'vgg_16/conv10/...'.
 *
 * @example
 * getVariables({ scope: 'vgg_16/conv1', suffix: 'weights' });
 */
export function getVariables(options: QueryOptions & { collection?: string } = {}): tf.Variable[] {
  return query(options.collection ?? GraphKeys.GLOBAL_VARIABLES, options);
}

/**
 * MODEL_VARIABLES filtered by scope and suffix.
 *
 * @example
 * getModelVariables({ scope: 'vgg_16/fc8' });
 */
export function getModelVariables(options: QueryOptions = {}): tf.Variable[] {
  return query(GraphKeys.MODEL_VARIABLES, options);
}

/**
 * TRAINABLE_VARIABLES filtered by scope and suffix: what an optimizer updates.
 *
 * @example
 * getTrainableVariables({ scope: 'vgg_16/fc8' }); // train only the new head
 */
export function getTrainableVariables(options: QueryOptions = {}): tf.Variable[] {
  return query(GraphKeys.TRAINABLE_VARIABLES, options);
}

/**
 * LOCAL_VARIABLES filtered by scope and suffix.
 *
 * @example
 * getLocalVariables();
 */
export function getLocalVariables(options: QueryOptions = {}): tf.Variable[] {
  return query(GraphKeys.LOCAL_VARIABLES, options);
}

/**
 * Global variables whose last name segment is exactly `name` (slim's
 * `get_variables_by_name`).
 *
 * @example
 * getVariablesByName('weights'); // every layer's weights
 */
export function getVariablesByName(
  name: string,
  options: Omit<QueryOptions, 'suffix'> = {},
): tf.Variable[] {
  const store = currentStore(options.store);
  const filter: { collection: string; scope?: string | RegExp } = {
    collection: GraphKeys.GLOBAL_VARIABLES,
  };
  if (options.scope !== undefined) filter.scope = options.scope;
  return store.getVariables(filter).filter((v) => {
    const full = store.nameOf(v);
    return full === name || full.endsWith(`/${name}`);
  });
}

/**
 * Global variables whose full name ends with `suffix` (slim's `get_variables_by_suffix`).
 *
 * @example
 * getVariablesBySuffix('BatchNorm/moving_mean');
 */
export function getVariablesBySuffix(
  suffix: string,
  options: Omit<QueryOptions, 'suffix'> = {},
): tf.Variable[] {
  return query(GraphKeys.GLOBAL_VARIABLES, { ...options, suffix });
}

/**
 * The one global variable with this exact full name (slim's `get_unique_variable`); throws
 * a `VariableError` listing close names when there is none.
 *
 * @example
 * getUniqueVariable('vgg_16/fc8/weights');
 */
export function getUniqueVariable(
  fullName: string,
  options: { store?: VariableStore } = {},
): tf.Variable {
  const store = currentStore(options.store);
  const v = store.get(fullName);
  if (v && store.getVariables({ collection: GraphKeys.GLOBAL_VARIABLES }).includes(v)) return v;
  const parent = fullName.includes('/') ? fullName.slice(0, fullName.lastIndexOf('/')) : '';
  const near = Object.keys(store.namedVariables({ scope: parent })).slice(0, 5);
  throw new VariableError(
    `getUniqueVariable: expected a global variable named '${fullName}', got none` +
      (near.length ? ` (under '${parent || '/'}' there are: ${near.join(', ')})` : '') +
      '. Check the full name, including every scope.',
  );
}

/** Options of {@link getVariablesToRestore}. */
export interface VariablesToRestoreOptions {
  /** Keep variables inside any of these scopes (default: all). Each must match a variable. */
  include?: readonly ScopePattern[];
  /** Then drop variables inside any of these scopes. Each must match a variable. */
  exclude?: readonly ScopePattern[];
  /**
   * Keep the global step too (default false: a pre-trained checkpoint has none, so restoring
   * it would fail). Including `'global_step'` in `include` asks for it as well.
   */
  includeGlobalStep?: boolean;
  /** Store to query (default: the current scope's, else `defaultStore`). */
  store?: VariableStore;
}

/**
 * Global variables in any `include` scope (all when omitted) minus those in any `exclude`
 * scope (slim's `get_variables_to_restore`), without the global step unless asked for: the
 * model's variables, as slim's train_image_classifier restores them from a model-zoo
 * checkpoint. Scopes match whole path segments of full names; a scope matching no variable is
 * a `VariableError` naming the nearest scopes (`'fc8'` -> did you mean `'vgg_16/fc8'`?), never
 * a silent no-op. The list is in creation order; `restore` and `saveCheckpoint` key it by the
 * variables' slim names.
 *
 * @example
 * // fine-tuning: everything but the classifier
 * const toRestore = getVariablesToRestore({ exclude: ['vgg_16/fc8'] });
 */
export function getVariablesToRestore(options: VariablesToRestoreOptions = {}): tf.Variable[] {
  const fn = 'getVariablesToRestore';
  const store = currentStore(options.store);
  const { include, exclude = [] } = options;
  const named = store.namedVariables({ collection: GraphKeys.GLOBAL_VARIABLES });
  const names = Object.keys(named);
  checkScopesMatch(fn, 'exclude', exclude, names);
  const step = store.getCollection(GraphKeys.GLOBAL_STEP);
  const askedForStep =
    options.includeGlobalStep === true ||
    (include ?? []).some((s) => inScope(GLOBAL_STEP_NAME, s) && store.has(GLOBAL_STEP_NAME));
  const pool = include === undefined ? names : selectNames(fn, include, names);
  return pool
    .filter((name) => !exclude.some((s) => inScope(name, s)))
    .map((name) => named[name] as tf.Variable)
    .filter((v) => askedForStep || !step.includes(v));
}

function selectNames(fn: string, include: readonly ScopePattern[], names: string[]): string[] {
  checkScopesMatch(fn, 'include', include, names);
  return names.filter((n) => include.some((s) => inScope(n, s)));
}
