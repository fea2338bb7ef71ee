// Layer outputs by name (slim's end points): collectNamedOutputs and addNamedOutput.
import type * as tf from '@tensorflow/tfjs-core';

interface Collector {
  readonly name: string;
  readonly outputs: Record<string, tf.Tensor>;
}

// Process-wide, like @tfslim/variables' scopes: the ESM and CJS builds may both be loaded.
const KEY = Symbol.for('@tfslim/layers/state/v1/outputCollectors');
const g = globalThis as unknown as Record<symbol, Collector[] | undefined>;
const collectors: Collector[] = (g[KEY] ??= []);

/**
 * Runs `fn` and returns its result with every layer output that was added to `collection`
 * while it ran, keyed by the layer's full scope name (slim's `outputs_collections` +
 * `convert_collection_to_dict`): how nets build their `endPoints`. Nothing is kept once `fn`
 * returns, so repeated calls never accumulate.
 *
 * @example
 * const [net, endPoints] = collectNamedOutputs('vgg_16_end_points', () =>
 *   argScope([conv2d, maxPool2d], { outputsCollections: 'vgg_16_end_points' }, () => body(x)));
 * endPoints['vgg_16/conv1/conv1_1']; // that layer's output
 */
export function collectNamedOutputs<T>(
  collection: string,
  fn: () => T,
): [T, Record<string, tf.Tensor>] {
  const collector: Collector = { name: collection, outputs: {} };
  collectors.push(collector);
  try {
    return [fn(), collector.outputs];
  } finally {
    collectors.splice(collectors.lastIndexOf(collector), 1);
  }
}

/**
 * Adds `outputs` under `alias` to every active collector of the named collections and returns
 * `outputs` (slim's `collect_named_outputs`). Layers call it with their `outputsCollections`.
 *
 * @example
 * net = addNamedOutput('end_points', 'vgg_16/fc8', net);
 */
export function addNamedOutput<T extends tf.Tensor>(
  collections: string | readonly string[] | undefined | null,
  alias: string,
  outputs: T,
): T {
  if (collections == null) return outputs;
  const names = typeof collections === 'string' ? [collections] : collections;
  for (const c of collectors) if (names.includes(c.name)) c.outputs[alias] = outputs;
  return outputs;
}
