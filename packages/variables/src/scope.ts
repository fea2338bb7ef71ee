// variableScope: TF1's variable_scope (names, reuse, default names).
import { rootScopeCounts } from './internal.js';
import { shared } from './shared.js';
import { checkName, joinName } from './names.js';
import { defaultStore, type VariableStore } from './store.js';
import { VariableArgumentError } from './errors.js';

/**
 * How a scope treats variables that already exist:
 * - `'auto'` (default): create on the first call of a model, reuse on later calls (TF1's
 *   AUTO_REUSE / make_template). Asking for the same name twice within ONE call is an error
 *   (two layers sharing a scope by accident); pass `true` to share on purpose.
 * - `true`: the variables must exist; they are reused (also several times per call).
 * - `false`: the variables must not exist; they are created.
 */
export type Reuse = boolean | 'auto';

/** What `variableScope` hands to its body. */
export interface VariableScopeInfo {
  /** Full name of the scope, e.g. 'vgg_16/conv1'. */
  readonly name: string;
  /** The store variables created in this scope go to. */
  readonly store: VariableStore;
  /** The effective reuse mode. */
  readonly reuse: Reuse;
}

/** Options of `variableScope`. */
export interface VariableScopeOptions {
  /** Used when `name` is null: made unique among siblings (`Conv`, `Conv_1`, ...). */
  defaultName?: string;
  /** Reuse mode for this scope and its children (default: inherited, 'auto' at the root). */
  reuse?: Reuse;
  /** Store for this scope and its children (default: inherited, `defaultStore` at the root). */
  store?: VariableStore;
}

interface Frame {
  readonly name: string;
  readonly store: VariableStore | undefined;
  readonly reuse: Reuse | undefined;
  /** Identifies one call of a model: the outermost frame entered from the root. */
  readonly pass: object | undefined;
  /** How often each child scope name was opened inside this frame (undefined: the root). */
  readonly counts: Map<string, number> | undefined;
}

const ROOT: Frame = {
  name: '',
  store: undefined,
  reuse: undefined,
  pass: undefined,
  counts: undefined,
};
const stack: Frame[] = shared('scopeStack', () => []);

function top(): Frame {
  return stack[stack.length - 1] ?? ROOT;
}

function countsOf(frame: Frame, store: VariableStore): Map<string, number> {
  if (frame.counts) return frame.counts;
  let counts = rootScopeCounts.get(store);
  if (!counts) rootScopeCounts.set(store, (counts = new Map()));
  return counts;
}

function enter<T>(frame: Frame, fn: () => T): T {
  stack.push(frame);
  try {
    return fn();
  } finally {
    stack.pop();
  }
}

/** The store in effect: an explicit one, else the innermost scope's, else `defaultStore`. */
export function currentStore(explicit?: VariableStore): VariableStore {
  return explicit ?? top().store ?? defaultStore;
}

/** Whether `currentStore(explicit)` falls back to `defaultStore` (nothing named a store). */
export function usesImplicitDefaultStore(explicit?: VariableStore): boolean {
  return explicit === undefined && top().store === undefined;
}

/**
 * Full name of the innermost variable scope ('' at the root).
 *
 * @example
 * variableScope('vgg_16', () => currentScopeName()); // 'vgg_16'
 */
export function currentScopeName(): string {
  return top().name;
}

/** The reuse mode in effect ('auto' at the root). */
export function currentReuse(): Reuse {
  return top().reuse ?? 'auto';
}

/** Token of the model call in progress (undefined outside any scope). @internal */
export function currentPass(): object | undefined {
  return top().pass;
}

/**
 * Runs `fn` inside a variable scope: variables created in it are named `<scope>/<name>`.
 * Scopes nest (`vgg_16/conv1/conv1_1/weights`). With `name` null, `defaultName` is made unique
 * among its siblings as TF1 does (`Conv`, `Conv_1`, ...); those counters restart each time the
 * parent scope is entered, so a model wrapped in a scope gets the same names on every call.
 *
 * Scopes are dynamic and synchronous: they hold while `fn` runs. An `await` inside `fn` leaves
 * the scope (code after it runs outside); keep model functions synchronous.
 *
 * @example
 * const w = variableScope('vgg_16', () =>
 *   variableScope('conv1', () => variable('weights', { shape: [3, 3, 3, 64] })));
 * // store.nameOf(w) === 'vgg_16/conv1/weights'
 */
export function variableScope<T>(
  name: string | null,
  fn: (scope: VariableScopeInfo) => T,
  options: VariableScopeOptions = {},
): T {
  const parent = top();
  const store = options.store ?? parent.store ?? defaultStore;
  let relative: string;
  if (name === null || name === undefined) {
    if (options.defaultName === undefined) {
      throw new VariableArgumentError(
        'variableScope: expected a scope name or options.defaultName, got neither. ' +
          "Pass a name such as 'conv1'.",
      );
    }
    const base = checkName('variableScope', 'options.defaultName', options.defaultName);
    relative = uniqueName(countsOf(parent, store), base);
  } else {
    relative = checkName('variableScope', 'the scope name', name);
  }
  const counts = countsOf(parent, store);
  counts.set(relative, (counts.get(relative) ?? 0) + 1);
  const frame: Frame = {
    name: joinName(parent.name, relative),
    // Undefined while no scope names a store: currentStore() falls back to defaultStore, and
    // usesImplicitDefaultStore() knows nothing chose it.
    store: options.store ?? parent.store,
    reuse: options.reuse ?? parent.reuse,
    pass: parent.pass ?? {},
    counts: new Map(),
  };
  return enter(frame, () => fn({ name: frame.name, store, reuse: frame.reuse ?? 'auto' }));
}

/**
 * Runs `fn` with `store` as the store of every variable created inside, without adding a
 * name. Called at the root it also starts a fresh model call: default layer names restart
 * (`Conv`, `Conv_1`, ...), so an unscoped model gets the same variables on every call. Use it
 * (or wrap the model in a `variableScope`) around each call of a model function.
 *
 * @example
 * const store = new VariableStore();
 * const logits = withVariableStore(store, () => model(images));
 */
export function withVariableStore<T>(store: VariableStore, fn: () => T): T {
  const parent = top();
  const frame: Frame = {
    name: parent.name,
    store,
    reuse: parent.reuse,
    pass: parent.pass ?? {},
    counts: parent.counts ?? new Map(),
  };
  return enter(frame, fn);
}

/** `base` if no sibling scope of that name was opened, else `base_1`, `base_2`, ... */
function uniqueName(counts: Map<string, number>, base: string): string {
  if (!counts.get(base)) return base;
  let i = 1;
  while (counts.get(`${base}_${i}`)) i++;
  return `${base}_${i}`;
}
