// Slim's (value, update_op) pairs over the metric objects.
import type * as tf from '@tensorflow/tfjs-core';
import type { Metric } from './types.js';

/**
 * Slim's `(value, update_op)` pair, eager: `value()` returns the current value (a new tensor),
 * `update(...)` accumulates a batch. The third element is the metric itself (reset, merge,
 * dispose). Unlike slim's update op, `update` returns nothing, so an ignored return value
 * cannot leak a tensor per batch.
 */
export type StreamingPair<R extends tf.Rank, A extends unknown[]> = readonly [
  value: () => tf.Tensor<R>,
  update: (...args: A) => void,
  metric: Metric<R, A>,
];

/**
 * Turns a metric into slim's pair form.
 *
 * @example
 * const [value, update] = streaming(auc({ curve: 'PR' }));
 * update(probabilities, labels);
 * value().print();
 */
export function streaming<R extends tf.Rank, A extends unknown[]>(
  metric: Metric<R, A>,
): StreamingPair<R, A> {
  return [() => metric.result(), (...args: A) => metric.update(...args), metric] as const;
}

/** Makes a `streamingX` factory from a metric factory `x`. */
export function pairOf<P extends unknown[], R extends tf.Rank, A extends unknown[]>(
  factory: (...options: P) => Metric<R, A>,
): (...options: P) => StreamingPair<R, A> {
  return (...options: P) => streaming(factory(...options));
}
