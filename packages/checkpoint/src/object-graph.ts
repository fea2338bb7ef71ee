// TF2 object-based checkpoint keys: `path/to/var/.ATTRIBUTES/VARIABLE_VALUE`.

/** The key under which TF2 stores the serialized TrackableObjectGraph (a string tensor). */
export const OBJECT_GRAPH_KEY = '_CHECKPOINTABLE_OBJECT_GRAPH';

const SUFFIX = '/.ATTRIBUTES/VARIABLE_VALUE';

/**
 * The plain variable path of a TF2 object-based key, or undefined for other keys.
 *
 * @example
 * objectGraphKeyToPath('layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE'); // 'layer_with_weights-0/kernel'
 * objectGraphKeyToPath('global_step'); // undefined
 */
export function objectGraphKeyToPath(key: string): string | undefined {
  return key.endsWith(SUFFIX) ? key.slice(0, -SUFFIX.length) : undefined;
}

/**
 * The TF2 object-based key of a plain variable path.
 *
 * @example
 * pathToObjectGraphKey('dense/kernel'); // 'dense/kernel/.ATTRIBUTES/VARIABLE_VALUE'
 */
export function pathToObjectGraphKey(path: string): string {
  return path + SUFFIX;
}

/**
 * Maps plain paths to the object-based keys of `keys` (others are left out). Optimizer slots
 * (`var/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE`) are left out unless
 * `includeSlots` is true.
 *
 * @example
 * const reader = await CheckpointReader.open('ckpt-10');
 * const paths = objectGraphPaths(reader.listVariables().map((v) => v.name));
 * // { 'dense/kernel': 'dense/kernel/.ATTRIBUTES/VARIABLE_VALUE', ... }
 */
export function objectGraphPaths(
  keys: Iterable<string>,
  options: { includeSlots?: boolean } = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const p = objectGraphKeyToPath(k);
    if (p === undefined) continue;
    if (!options.includeSlots && p.includes('/.OPTIMIZER_SLOT/')) continue;
    out[p] = k;
  }
  return out;
}
