// Counting sorted boundaries below values, with or without tfjs' SearchSorted kernel:
// tfjs-node 4.22 (the 'tensorflow' backend) does not register it.
import * as tf from '@tensorflow/tfjs-core';

/** Whether the active backend has a SearchSorted kernel. */
export function hasSearchSorted(): boolean {
  return tf.getKernel('SearchSorted', tf.getBackend()) != null;
}

/**
 * For each value, how many of the ascending `sorted` entries are < it ('left') or <= it
 * ('right'), as int32 [N]; NaN counts 0 ('left'). Uses SearchSorted (O(N log T)) where the
 * backend has it, else compares every value with every entry (O(N T), TF's own way).
 */
export function countBelow(
  sorted: tf.Tensor1D,
  values: tf.Tensor1D,
  side: 'left' | 'right',
  useKernel = hasSearchSorted(),
): tf.Tensor1D {
  if (useKernel) return tf.reshape(tf.searchSorted(sorted, values, side), [-1]) as tf.Tensor1D;
  const v = tf.expandDims(values, 1);
  const s = tf.expandDims(sorted, 0);
  const below = side === 'left' ? tf.greater(v, s) : tf.greaterEqual(v, s);
  return tf.sum(tf.cast(below, 'int32'), 1) as tf.Tensor1D;
}
