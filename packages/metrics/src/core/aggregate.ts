import type * as tf from '@tensorflow/tfjs-core';
import type { StreamingPair } from './streaming.js';
import type { Metric, PredictionArgs } from './types.js';

/** A metric object or its slim pair form. */
export type MetricLike<A extends unknown[] = PredictionArgs> =
  Metric<tf.Rank, A> | StreamingPair<tf.Rank, A>;

function parts<A extends unknown[]>(m: MetricLike<A>): [() => tf.Tensor, (...args: A) => void] {
  if (Array.isArray(m)) {
    const [value, update] = m as StreamingPair<tf.Rank, A>;
    return [value, update];
  }
  const metric = m as Metric<tf.Rank, A>;
  return [() => metric.result(), (...args: A) => metric.update(...args)];
}

/**
 * Slim's `aggregate_metrics`: one value function returning every metric's value, one update
 * feeding the same batch to all of them.
 *
 * @example
 * const [values, update] = aggregateMetrics(accuracy(), precision(), recall());
 * update(predictedIds, labels);
 * const [acc, prec, rec] = values();
 */
export function aggregateMetrics<A extends unknown[] = PredictionArgs>(
  ...metrics: MetricLike<A>[]
): [values: () => tf.Tensor[], update: (...args: A) => void] {
  const all = metrics.map(parts);
  return [() => all.map(([value]) => value()), (...args: A) => all.forEach(([, u]) => u(...args))];
}

/**
 * Slim's `aggregate_metric_map`: `{name: metric}` to `[namesToValues, namesToUpdates]`, both
 * keyed by name (values and updates are functions here, eager).
 *
 * @example
 * const [namesToValues, namesToUpdates] = aggregateMetricMap({
 *   'eval/Accuracy': streamingAccuracy(),
 *   'eval/Recall@5': streamingRecallAtK({ k: 5 }),
 * });
 * namesToUpdates['eval/Accuracy']!(tf.argMax(logits, -1), labels);
 * namesToUpdates['eval/Recall@5']!(logits, labels);
 * const acc = namesToValues['eval/Accuracy']!();
 */
export function aggregateMetricMap<A extends unknown[] = PredictionArgs>(
  metrics: Record<string, MetricLike<A>>,
): [
  namesToValues: Record<string, () => tf.Tensor>,
  namesToUpdates: Record<string, (...args: A) => void>,
] {
  const values: Record<string, () => tf.Tensor> = {};
  const updates: Record<string, (...args: A) => void> = {};
  for (const [name, m] of Object.entries(metrics)) {
    const [value, update] = parts(m);
    values[name] = value;
    updates[name] = update;
  }
  return [values, updates];
}
