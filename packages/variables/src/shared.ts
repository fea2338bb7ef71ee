// Process-wide state of this package (scopes, arg scopes, loss sinks), shared by every copy
// loaded in one process (the ESM and CJS builds); the version in the key keeps layouts apart.
const PREFIX = '@tfslim/variables/state/v1/';

/** The process-wide value stored under `key`, created by `init` on first use. */
export function shared<T>(key: string, init: () => T): T {
  const g = globalThis as unknown as Record<symbol, unknown>;
  const k = Symbol.for(PREFIX + key);
  if (!(k in g)) g[k] = init();
  return g[k] as T;
}
