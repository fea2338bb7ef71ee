// VariableStore: the variables, collections and update ops of a model.
import * as tf from '@tensorflow/tfjs-core';
import { GraphKeys } from './collections.js';
import { VariableArgumentError, VariableError, VariableReuseError } from './errors.js';
import { publishedFullNames } from './full-names.js';
import { forgetStore } from './internal.js';
import { shared } from './shared.js';
import { checkName, matchesFilter, type VariableFilter } from './names.js';

/**
 * A deferred state update produced by a forward pass (batch norm's moving averages) that the
 * train loop applies after the optimizer step, TF1's UPDATE_OPS. Registering an op under a
 * name that is already pending replaces (and disposes) the older one, so a model called every
 * step never piles up ops.
 *
 * @example
 * store.addUpdateOp({ name: 'bn/AssignMovingAvg', run: () => v.assign(tf.onesLike(v)) });
 * store.runUpdateOps(); // runs, disposes and clears every pending op
 */
export interface UpdateOp {
  /** Unique within its collection, usually `<scope>/AssignMovingAvg`. */
  readonly name: string;
  /** Applies the update; `runUpdateOps` calls it inside `tf.tidy`. */
  run(): void;
  /** Frees tensors the op holds; called after it ran, when replaced, cleared or disposed. */
  dispose?(): void;
}

/** Options of `store.createVariable`. */
export interface CreateVariableOptions {
  /** Whether optimizers train it (default true); adds TRAINABLE_VARIABLES. */
  trainable?: boolean;
  /** Collections to join (default `[GLOBAL_VARIABLES]`). */
  collections?: readonly string[];
}

const ids = shared('storeIds', () => ({ next: 0 }));
const owners = shared(
  'variableOwners',
  () => new WeakMap<tf.Variable, { store: VariableStore; name: string }>(),
);

/**
 * Owns variables by their full slim names (`vgg_16/conv1/conv1_1/weights`) and the
 * collections they belong to. tfjs requires globally unique variable names, so the store keeps
 * the mapping: a variable's tfjs `.name` is its slim name when that name was free in the tfjs
 * engine, otherwise a store-unique prefix is added; `nameOf(v)` and `namedVariables()` always
 * give slim names. Two models (or two tests) in two stores never clash.
 *
 * @example
 * const store = new VariableStore();
 * variableScope('net', () => variable('w', { shape: [2, 2] }), { store });
 * store.namedVariables(); // { 'net/w': Variable }
 * store.dispose();        // frees every variable; the store is empty and usable again
 */
export class VariableStore {
  /** Prefix used for tfjs names when the slim name is taken in the tfjs engine. */
  readonly label: string;
  readonly #variables = new Map<string, tf.Variable>();
  readonly #collections = new Map<string, Set<string>>();
  readonly #updateOps = new Map<string, Map<string, UpdateOp>>();

  constructor(options: { label?: string } = {}) {
    this.label =
      options.label === undefined
        ? `tfslim_store_${ids.next++}`
        : checkName('VariableStore', 'options.label', options.label);
  }

  /** Number of variables held. */
  get size(): number {
    return this.#variables.size;
  }

  /** Whether a variable of this full name exists. */
  has(fullName: string): boolean {
    return this.#variables.has(fullName);
  }

  /** The variable of this full name, or undefined. */
  get(fullName: string): tf.Variable | undefined {
    return this.#variables.get(fullName);
  }

  /**
   * Creates a variable under an explicit full name (scopes are not consulted; `variable()`
   * is the scoped way). Throws `VariableReuseError` when the name exists.
   *
   * @example
   * const v = store.createVariable('net/w', () => tf.zeros([3]), { trainable: false });
   */
  createVariable(
    fullName: string,
    initialValue: tf.Tensor | (() => tf.Tensor),
    options: CreateVariableOptions = {},
  ): tf.Variable {
    checkName('createVariable', 'a full variable name', fullName);
    const existing = this.#variables.get(fullName);
    if (existing) {
      throw new VariableReuseError(
        fullName,
        `createVariable: expected a new name, got '${fullName}', which this store already holds ` +
          `(shape [${existing.shape.join(',')}]). Reuse it with store.get(name), or dispose the store first.`,
      );
    }
    const trainable = options.trainable ?? true;
    const tfName = this.#freeEngineName(fullName);
    const v = tf.tidy(() => {
      const value = typeof initialValue === 'function' ? initialValue() : initialValue;
      if (!(value instanceof tf.Tensor)) {
        throw new VariableArgumentError(
          `createVariable: expected the initial value of '${fullName}' to be a tf.Tensor, got ` +
            `${typeof value}. Return a tensor from the initializer.`,
        );
      }
      return tf.variable(value, trainable, tfName);
    });
    this.#variables.set(fullName, v);
    owners.set(v, { store: this, name: fullName });
    publishedFullNames().set(v, fullName);
    const collections = new Set(options.collections ?? [GraphKeys.GLOBAL_VARIABLES]);
    if (trainable) collections.add(GraphKeys.TRAINABLE_VARIABLES);
    for (const c of collections) this.#join(c, fullName);
    return v;
  }

  /**
   * The slim full name of a variable of this store (its tfjs `.name` may carry a prefix).
   *
   * @example
   * store.nameOf(w); // 'vgg_16/conv1/conv1_1/weights'
   */
  nameOf(variable: tf.Variable): string {
    const owner = owners.get(variable);
    if (!owner || owner.store !== this) {
      throw new VariableError(
        `nameOf: expected a variable created by this store, got '${variable.name}'` +
          `${owner ? ', which belongs to another store' : ''}. Ask the store that created it.`,
      );
    }
    return owner.name;
  }

  /**
   * `{slimName: variable}` for the variables matching `filter` (all by default), in creation
   * order: the map checkpoints key their files on.
   *
   * @example
   * saveCheckpoint(dir, store.namedVariables({ exclude: ['vgg_16/fc8'] }));
   */
  namedVariables(
    filter: VariableFilter | ((name: string, variable: tf.Variable) => boolean) = {},
  ): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const name of this.#select(filter)) out[name] = this.#variables.get(name) as tf.Variable;
    return out;
  }

  /**
   * The variables matching `filter` (all by default), in creation order.
   *
   * @example
   * store.getVariables({ scope: 'vgg_16/conv1', collection: GraphKeys.TRAINABLE_VARIABLES });
   */
  getVariables(
    filter: VariableFilter | ((name: string, variable: tf.Variable) => boolean) = {},
  ): tf.Variable[] {
    return this.#select(filter).map((name) => this.#variables.get(name) as tf.Variable);
  }

  /** Members of a variable collection, in the order they joined. */
  getCollection(collection: string): tf.Variable[] {
    const names = this.#collections.get(collection);
    return names ? [...names].map((n) => this.#variables.get(n) as tf.Variable) : [];
  }

  /** Names of the non-empty variable collections. */
  collectionNames(): string[] {
    return [...this.#collections.keys()];
  }

  /**
   * Adds a variable of this store to a collection (idempotent), like TF1's
   * `add_to_collection`.
   *
   * @example
   * store.addToCollection('my_ema_vars', w);
   */
  addToCollection(collection: string, variable: tf.Variable): void {
    this.#join(collection, this.nameOf(variable));
  }

  /**
   * Registers a pending update op; one of the same name in the same collection is replaced
   * and disposed.
   *
   * @example
   * store.addUpdateOp({ name: 'bn/AssignMovingAvg', run: () => undefined });
   */
  addUpdateOp(op: UpdateOp, collection: string = GraphKeys.UPDATE_OPS): void {
    if (typeof op?.run !== 'function' || typeof op.name !== 'string') {
      throw new VariableArgumentError(
        `addUpdateOp: expected {name: string, run(): void}, got ${typeof op}. ` +
          'Pass an object with a name and a run function.',
      );
    }
    let ops = this.#updateOps.get(collection);
    if (!ops) this.#updateOps.set(collection, (ops = new Map()));
    const previous = ops.get(op.name);
    if (previous && previous !== op) previous.dispose?.();
    ops.delete(op.name);
    ops.set(op.name, op);
  }

  /** Pending update ops of a collection, in registration order. */
  getUpdateOps(collection: string = GraphKeys.UPDATE_OPS): UpdateOp[] {
    return [...(this.#updateOps.get(collection)?.values() ?? [])];
  }

  /**
   * Runs every pending update op of the collection (each inside `tf.tidy`), disposes and
   * clears them, and returns their names. The train loop calls it once per step, after the
   * optimizer applied its gradients.
   *
   * @example
   * const ran = store.runUpdateOps(); // ['vgg/conv1/BatchNorm/AssignMovingAvg', ...]
   */
  runUpdateOps(collection: string = GraphKeys.UPDATE_OPS): string[] {
    const ops = this.getUpdateOps(collection);
    this.#updateOps.delete(collection);
    const ran: string[] = [];
    try {
      for (const op of ops) {
        tf.tidy(() => op.run());
        ran.push(op.name);
      }
    } finally {
      for (const op of ops) op.dispose?.();
    }
    return ran;
  }

  /** Disposes and drops the pending update ops of a collection without running them. */
  clearUpdateOps(collection: string = GraphKeys.UPDATE_OPS): void {
    const ops = this.getUpdateOps(collection);
    this.#updateOps.delete(collection);
    for (const op of ops) op.dispose?.();
  }

  /**
   * Frees every variable and pending update op and forgets all names, collections and scope
   * counters. The store stays usable (empty).
   *
   * @example
   * afterEach(() => store.dispose());
   */
  dispose(): void {
    for (const collection of [...this.#updateOps.keys()]) this.clearUpdateOps(collection);
    for (const v of this.#variables.values()) {
      owners.delete(v);
      publishedFullNames().delete(v);
      if (!v.isDisposed) v.dispose();
    }
    this.#variables.clear();
    this.#collections.clear();
    forgetStore(this);
  }

  #join(collection: string, fullName: string): void {
    let names = this.#collections.get(collection);
    if (!names) this.#collections.set(collection, (names = new Set()));
    names.add(fullName);
  }

  #select(filter: VariableFilter | ((name: string, variable: tf.Variable) => boolean)): string[] {
    if (typeof filter === 'function') {
      return [...this.#variables].filter(([n, v]) => filter(n, v)).map(([n]) => n);
    }
    const pool =
      filter.collection === undefined
        ? [...this.#variables.keys()]
        : [...(this.#collections.get(filter.collection) ?? [])];
    return pool.filter((name) => matchesFilter(name, filter));
  }

  #freeEngineName(fullName: string): string {
    const registered = tf.engine().registeredVariables;
    if (registered[fullName] == null) return fullName;
    let candidate = `${this.label}/${fullName}`;
    for (let k = 1; registered[candidate] != null; k++)
      candidate = `${this.label}_${k}/${fullName}`;
    return candidate;
  }
}

/**
 * The store every API uses when neither an explicit `store` option nor an enclosing
 * `variableScope({store})` / `withVariableStore` names one.
 *
 * @example
 * defaultStore.namedVariables();
 */
export const defaultStore: VariableStore = shared(
  'defaultStore',
  () => new VariableStore({ label: 'tfslim_default_store' }),
);

/**
 * Live stores other than `except` that hold a variable named `fullName` (found through the
 * tfjs engine's registered variables). @internal
 */
export function otherStoresHolding(fullName: string, except: VariableStore): VariableStore[] {
  const out: VariableStore[] = [];
  for (const v of Object.values(tf.engine().registeredVariables)) {
    const owner = owners.get(v);
    if (owner && owner.store !== except && owner.name === fullName && !out.includes(owner.store))
      out.push(owner.store);
  }
  return out;
}

/**
 * The slim full name of any variable created by a VariableStore, whichever store.
 *
 * @example
 * getVariableFullName(w); // 'vgg_16/fc8/biases'
 */
export function getVariableFullName(variable: tf.Variable): string {
  const owner = owners.get(variable);
  if (!owner) {
    throw new VariableError(
      `getVariableFullName: expected a variable created by a VariableStore, got '${variable.name}'. ` +
        'Create it with variable()/modelVariable() or store.createVariable().',
    );
  }
  return owner.name;
}
