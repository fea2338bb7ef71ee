// aggregateMetrics and aggregateMetricMap: slim's aggregate_metrics and aggregate_metric_map.
import type * as tf from '@tensorflow/tfjs-core';
import type { StreamingPair } from './streaming.js';
import type { Metric, PredictionArgs } from './types.js';
import { registerAggregated } from './update-observers.js';

/** A metric object or its slim pair form. */
export type MetricLike<A extends unknown[] = PredictionArgs> =
  Metric<tf.Rank, A> | StreamingPair<tf.Rank, A>;

type Parts<A extends unknown[]> = [
  () => tf.Tensor,
  (...args: A) => void,
  Metric<tf.Rank, A> | undefined,
];

function parts<A extends unknown[]>(m: MetricLike<A>): Parts<A> {
  if (Array.isArray(m)) {
    const [value, update, metric] = m as StreamingPair<tf.Rank, A>;
    return [value, update, metric];
  }
  const metric = m as Metric<tf.Rank, A>;
  return [() => metric.result(), (...args: A) => metric.update(...args), metric];
}

// Lets an evaluation take the value functions as they are, and name what it reads.
function tagged<A extends unknown[]>(name: string, p: Parts<A>): Parts<A> {
  const [value, update, metric] = p;
  const v = (): tf.Tensor => value();
  const u = (...args: A): void => update(...args);
  if (metric) registerAggregated(name, metric as Metric<tf.Rank, never>, [v, u]);
  return [v, u, metric];
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
  const all = metrics.map((m) => {
    const p = parts(m);
    return p[2] ? tagged(p[2].name, p) : p;
  });
  return [() => all.map(([value]) => value()), (...args: A) => all.forEach(([, u]) => u(...args))];
}

/**
 * Slim's `aggregate_metric_map`: `{name: metric}` to `[namesToValues, namesToUpdates]`, both
 * keyed by name (values and updates are functions here, eager). `evaluateOnce` of
 * `@tfslim/learning` takes `namesToValues` as its `metrics` as it is, and resets these
 * metrics at the start of each evaluation (slim's local variables), under these names.
 *
 * @example
 * // streamingAccuracy, streamingRecallAtK: from '@tfslim/metrics/slim'
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
    const [value, update] = tagged(name, parts(m));
    values[name] = value;
    updates[name] = update;
  }
  return [values, updates];
}
