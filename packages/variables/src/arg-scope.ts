// argScope and addArgScope: slim's arg_scope and add_arg_scope.
import { ArgScopeError } from './errors.js';
import { shared } from './shared.js';

/** Any function; the shape `addArgScope` and `argScope` accept. */
export type AnyFunction = (...args: never[]) => unknown;

/** How an arg-scopable function takes its options. */
export interface ArgScopeInfo {
  /** Name used in messages and as `repeat`/`stack`'s default scope, e.g. 'conv2d'. */
  readonly name: string;
  /** Position of the options object among the arguments (0-based). */
  readonly optionsIndex: number;
  /** Option names it accepts; when given, `argScope` rejects others. */
  readonly keys: readonly string[] | undefined;
}

/**
 * A function marked with `addArgScope`: it merges `argScope` defaults into its options
 * argument. `O` is that options type (type-only).
 */
export type ArgScopable<F extends AnyFunction = AnyFunction, O extends object = object> = F & {
  readonly '~argScope': ArgScopeInfo;
  readonly '~argScopeOptions'?: O;
};

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (
  x: infer I,
) => void
  ? I
  : never;

/** The defaults `argScope` accepts for a set of functions: their options, all optional. */
export type ArgScopeDefaults<F> = UnionToIntersection<
  F extends { readonly '~argScopeOptions'?: infer O } ? Partial<NonNullable<O>> : never
>;

/** The options type at position `I` of `F`'s parameters. */
export type OptionsAt<F extends AnyFunction, I extends number> = F extends (
  ...args: infer P
) => unknown
  ? Extract<NonNullable<P[I]>, object>
  : never;

type Defaults = Readonly<Record<string, unknown>>;
type ScopeMap = ReadonlyMap<AnyFunction, Defaults>;

/** A saved arg scope (`currentArgScope()`), re-entered with `argScope(snapshot, body)`. */
export interface ArgScopeSnapshot {
  readonly kind: 'ArgScopeSnapshot';
}

const snapshots = shared('argScopeSnapshots', () => new WeakMap<ArgScopeSnapshot, ScopeMap>());

const infos = shared('argScopeInfos', () => new WeakMap<AnyFunction, ArgScopeInfo>());
/** The arg scope in effect, in a holder so every copy of the package shares it. */
const state = shared('argScopeCurrent', () => ({ current: new Map() as ScopeMap }));

function describe(fn: unknown): string {
  if (typeof fn === 'function') return fn.name ? `'${fn.name}'` : 'an anonymous function';
  return typeof fn;
}

function mergeDefined(defaults: Defaults | undefined, explicit: unknown, info: ArgScopeInfo) {
  if (explicit !== undefined && (explicit === null || typeof explicit !== 'object')) {
    throw new ArgScopeError(
      `${info.name}: expected an options object as argument ${info.optionsIndex + 1}, got ` +
        `${explicit === null ? 'null' : typeof explicit}. Pass options as {key: value}.`,
    );
  }
  const merged: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries((explicit ?? {}) as object)) {
    if (v !== undefined) merged[k] = v;
  }
  return merged;
}

/**
 * Marks a function as arg-scopable (slim's `@add_arg_scope`) and returns the marked wrapper:
 * call the wrapper, and `argScope` defaults for it are merged into its options argument
 * (explicit options win; `undefined` values count as absent). Only marked functions are
 * accepted by `argScope`.
 *
 * @example
 * const myLayer = addArgScope(
 *   (x: tf.Tensor, options: { scale?: number } = {}) => tf.mul(x, options.scale ?? 1),
 *   { name: 'myLayer', optionsIndex: 1, keys: ['scale'] });
 * argScope([myLayer], { scale: 2 }, () => myLayer(x)); // x * 2
 */
export function addArgScope<F extends AnyFunction, I extends number>(
  fn: F,
  info: { name?: string; optionsIndex: I; keys?: readonly string[] },
): ArgScopable<F, OptionsAt<F, I>> {
  if (typeof fn !== 'function') {
    throw new ArgScopeError(`addArgScope: expected a function, got ${typeof fn}.`);
  }
  if (!Number.isInteger(info?.optionsIndex) || info.optionsIndex < 0) {
    throw new ArgScopeError(
      `addArgScope: expected info.optionsIndex to be a non-negative integer, got ${String(info?.optionsIndex)}.`,
    );
  }
  const resolved: ArgScopeInfo = {
    name: info.name ?? (fn.name || 'fn'),
    optionsIndex: info.optionsIndex,
    keys: info.keys ? [...info.keys] : undefined,
  };
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const defaults = state.current.get(wrapped as AnyFunction);
    const explicit = args[resolved.optionsIndex];
    if (defaults !== undefined || explicit !== undefined) {
      args[resolved.optionsIndex] = mergeDefined(defaults, explicit, resolved);
    }
    return (fn as unknown as (...a: unknown[]) => unknown).apply(this, args);
  };
  Object.defineProperty(wrapped, 'name', { value: resolved.name });
  Object.defineProperty(wrapped, '~argScope', { value: resolved, enumerable: false });
  infos.set(wrapped as AnyFunction, resolved);
  return wrapped as unknown as ArgScopable<F, OptionsAt<F, I>>;
}

/**
 * Whether `fn` was marked with `addArgScope`.
 *
 * @example
 * isArgScopable(conv2d); // true
 */
export function isArgScopable(fn: unknown): fn is ArgScopable {
  return typeof fn === 'function' && infos.has(fn as AnyFunction);
}

/** The `addArgScope` info of a marked function, or undefined. */
export function argScopeInfo(fn: unknown): ArgScopeInfo | undefined {
  return typeof fn === 'function' ? infos.get(fn as AnyFunction) : undefined;
}

/**
 * Runs `body` with default options for the listed arg-scopable functions (slim's
 * `arg_scope`). Nested scopes merge per function, the inner value winning; options passed
 * explicitly at a call win over every scope. Given a snapshot from `currentArgScope()`, the
 * snapshot replaces the current defaults while `body` runs (as slim's `arg_scope(sc)`).
 *
 * Dynamic and synchronous: the defaults hold while `body` runs; an `await` inside leaves them.
 *
 * @example
 * argScope([conv2d, fullyConnected], { activation: 'relu', weightsRegularizer: l2Regularizer(5e-4) },
 *   () => argScope([conv2d], { padding: 'SAME' }, () => vgg16(images)));
 */
export function argScope<T>(snapshot: ArgScopeSnapshot, body: () => T): T;
export function argScope<const Fs extends readonly ArgScopable[], T>(
  fns: Fs,
  defaults: ArgScopeDefaults<Fs[number]>,
  body: () => T,
): T;
export function argScope<T>(
  fnsOrSnapshot: readonly ArgScopable[] | ArgScopeSnapshot,
  defaultsOrBody: object | (() => T),
  maybeBody?: () => T,
): T {
  let next: ScopeMap;
  let body: () => T;
  if (isSnapshot(fnsOrSnapshot)) {
    next = snapshots.get(fnsOrSnapshot) as ScopeMap;
    body = defaultsOrBody as () => T;
  } else {
    body = maybeBody as () => T;
    next = extend(fnsOrSnapshot, defaultsOrBody);
  }
  if (typeof body !== 'function') {
    throw new ArgScopeError(`argScope: expected a body function to run, got ${typeof body}.`);
  }
  const saved = state.current;
  state.current = next;
  try {
    return body();
  } finally {
    state.current = saved;
  }
}

function isSnapshot(x: unknown): x is ArgScopeSnapshot {
  return typeof x === 'object' && x !== null && snapshots.has(x as ArgScopeSnapshot);
}

function extend(fns: readonly unknown[], defaults: unknown): ScopeMap {
  if (!Array.isArray(fns)) {
    throw new ArgScopeError(
      `argScope: expected a list of arg-scopable functions or a snapshot, got ${typeof fns}. ` +
        'Write argScope([conv2d], {padding: "SAME"}, () => ...).',
    );
  }
  if (defaults === null || typeof defaults !== 'object' || Array.isArray(defaults)) {
    throw new ArgScopeError(
      `argScope: expected a defaults object as second argument, got ${Array.isArray(defaults) ? 'an array' : typeof defaults}.`,
    );
  }
  const entries = Object.entries(defaults).filter(([, v]) => v !== undefined);
  const next = new Map(state.current);
  fns.forEach((fn, i) => {
    const info = argScopeInfo(fn);
    if (!info) {
      throw new ArgScopeError(
        `argScope: expected functions marked arg-scopable, got ${describe(fn)} at index ${i}. ` +
          'Wrap it with addArgScope(fn, {optionsIndex}) first, or leave it out of the list.',
      );
    }
    if (info.keys) {
      const unknown = entries.map(([k]) => k).filter((k) => !info.keys?.includes(k));
      if (unknown.length > 0) {
        throw new ArgScopeError(
          `argScope: expected options of ${info.name} (${info.keys.join(', ')}), got ` +
            `${unknown.map((k) => `'${k}'`).join(', ')}. Check the spelling, or scope that option ` +
            'only over the functions that take it.',
        );
      }
    }
    next.set(fn as AnyFunction, { ...next.get(fn as AnyFunction), ...Object.fromEntries(entries) });
  });
  return next;
}

/**
 * A snapshot of the defaults in effect, to re-enter later with `argScope(snapshot, body)`;
 * how slim's `vgg_arg_scope()` hands its scope to callers.
 *
 * @example
 * const vggArgScope = () =>
 *   argScope([conv2d], { padding: 'SAME' }, () => currentArgScope());
 * argScope(vggArgScope(), () => vgg16(images));
 */
export function currentArgScope(): ArgScopeSnapshot {
  const snapshot: ArgScopeSnapshot = Object.freeze({ kind: 'ArgScopeSnapshot' as const });
  snapshots.set(snapshot, state.current);
  return snapshot;
}

/**
 * The defaults the current arg scopes give `fn` (empty when none).
 *
 * @example
 * argScope([conv2d], { stride: 2 }, () => argScopeDefaults(conv2d)); // { stride: 2 }
 */
export function argScopeDefaults(fn: ArgScopable): Readonly<Record<string, unknown>> {
  return { ...state.current.get(fn) };
}
