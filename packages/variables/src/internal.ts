// Per-store bookkeeping that scopes and `variable()` keep about a store without making it
// public API. Cleared by `store.dispose()`.
import { shared } from './shared.js';
import type { VariableStore } from './store.js';

/** Default-name counters of the root scope (no enclosing variableScope), per store. */
export const rootScopeCounts = shared(
  'rootScopeCounts',
  () => new WeakMap<VariableStore, Map<string, number>>(),
);

/** For each variable name, the call ("pass") token that last fetched it, per store. */
export const lastPass = shared('lastPass', () => new WeakMap<VariableStore, Map<string, object>>());

/** Per store: the loss sinks a variable's regularizer loss went to already. */
export const regularizedIn = shared(
  'regularizedIn',
  () => new WeakMap<VariableStore, Map<string, WeakSet<object>>>(),
);

export function forgetStore(store: VariableStore): void {
  rootScopeCounts.delete(store);
  lastPass.delete(store);
  regularizedIn.delete(store);
}
