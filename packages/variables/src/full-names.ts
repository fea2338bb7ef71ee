// The slim full name of every store variable, for @tfslim/checkpoint (which must not depend on
// this package): a WeakMap at globalThis[Symbol.for('@tfslim/variable-full-names/v1')].
import type * as tf from '@tensorflow/tfjs-core';

const KEY = Symbol.for('@tfslim/variable-full-names/v1');

/** The process-wide variable -> slim full name map. */
export function publishedFullNames(): WeakMap<tf.Variable, string> {
  const g = globalThis as unknown as Record<symbol, WeakMap<tf.Variable, string> | undefined>;
  return (g[KEY] ??= new WeakMap());
}
