// The slim full name of every store variable, published for packages that must not depend on
// @tfslim/variables: @tfslim/checkpoint keys an array of variables by these names (a second
// store's tfjs names carry a prefix such as 'tfslim_store_3/', which no checkpoint holds).
// Protocol: globalThis[Symbol.for('@tfslim/variable-full-names/v1')] is a
// WeakMap<tf.Variable, string>, shared by every copy of the package loaded in the process.
import type * as tf from '@tensorflow/tfjs-core';

const KEY = Symbol.for('@tfslim/variable-full-names/v1');

/** The process-wide variable -> slim full name map. */
export function publishedFullNames(): WeakMap<tf.Variable, string> {
  const g = globalThis as unknown as Record<symbol, WeakMap<tf.Variable, string> | undefined>;
  return (g[KEY] ??= new WeakMap());
}
