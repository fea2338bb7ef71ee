// The options every layer takes (scope, reuse, store, outputs collections) and their keys.
import {
  variableScope,
  type Reuse,
  type VariableScopeInfo,
  type VariableScopeOptions,
  type VariableStore,
} from '@tfslim/variables';

/** Options every layer takes. */
export interface LayerOptions {
  /** Scope name; default: the layer's slim default made unique (`Conv`, `Conv_1`, ...). */
  scope?: string;
  /** Reuse mode of the layer's scope (default: inherited; see `Reuse`). */
  reuse?: Reuse;
  /** Store for the layer's variables (default: inherited from the scope, else the default). */
  store?: VariableStore;
  /** Collections the output is added to under the layer's full name (see collectNamedOutputs). */
  outputsCollections?: string | readonly string[];
}

/** Options of layers that create variables. */
export interface VariableLayerOptions extends LayerOptions {
  /** Whether the layer's variables are trained (default true). */
  trainable?: boolean;
  /** Extra collections every variable of the layer joins. */
  variablesCollections?: readonly string[];
}

export const LAYER_KEYS = ['scope', 'reuse', 'store', 'outputsCollections'] as const;
export const VARIABLE_LAYER_KEYS = [...LAYER_KEYS, 'trainable', 'variablesCollections'] as const;

/** Opens the layer's variable scope (explicit `scope`, else a unique `defaultName`). */
export function layerScope<T>(
  options: LayerOptions,
  defaultName: string,
  fn: (scope: VariableScopeInfo) => T,
): T {
  const o: VariableScopeOptions = { defaultName };
  if (options.reuse !== undefined) o.reuse = options.reuse;
  if (options.store !== undefined) o.store = options.store;
  return variableScope(options.scope ?? null, fn, o);
}

/** Collections for one variable of a layer. */
export function collectionsOf(options: VariableLayerOptions): readonly string[] {
  return options.variablesCollections ?? [];
}
