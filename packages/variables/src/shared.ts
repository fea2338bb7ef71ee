// Process-wide state of this package. Scopes, arg scopes and loss sinks must be seen by every
// copy of @tfslim/variables loaded in one process: Node may load both the ESM and the CJS
// build (e.g. a CommonJS dependency requiring it while the app imports it), and each copy
// would otherwise keep its own scope stack, so argScope set through one would be invisible to
// layers using the other. The version in the key keeps incompatible layouts apart.
const PREFIX = '@tfslim/variables/state/v1/';

/** The process-wide value stored under `key`, created by `init` on first use. */
export function shared<T>(key: string, init: () => T): T {
  const g = globalThis as unknown as Record<symbol, unknown>;
  const k = Symbol.for(PREFIX + key);
  if (!(k in g)) g[k] = init();
  return g[k] as T;
}
