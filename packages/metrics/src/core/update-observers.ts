// Who is told that a metric is about to accumulate a batch (evaluations reset their metrics
// this way); process-wide, so the ESM and CJS copies of this package share it.
import type * as tf from '@tensorflow/tfjs-core';
import type { Metric } from './types.js';

/** Called before `metric` accumulates a batch. */
export type MetricUpdateListener = (metric: Metric<tf.Rank, never>) => void;

interface Registry {
  listeners: Set<MetricUpdateListener>;
  names: WeakMap<object, string>;
  metrics: WeakMap<object, Metric<tf.Rank, never>>;
}

const KEY = Symbol.for('@tfslim/metrics/update-observers/v1');

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[KEY] ??= { listeners: new Set(), names: new WeakMap(), metrics: new WeakMap() });
}

/**
 * Calls `listener` before every metric update until the returned function is called.
 *
 * @example
 * const seen = new Set();
 * const stop = observeMetricUpdates((m) => seen.add(m));
 * acc.update(pred, labels);
 * stop();
 */
export function observeMetricUpdates(listener: MetricUpdateListener): () => void {
  const { listeners } = registry();
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Tells the listeners that `metric` is about to accumulate a batch. */
export function notifyMetricUpdate(metric: Metric<tf.Rank, never>): void {
  for (const listener of [...registry().listeners]) listener(metric);
}

/** Records the name an aggregate map gave a metric, and its value/update functions. */
export function registerAggregated(
  name: string,
  metric: Metric<tf.Rank, never>,
  fns: readonly object[],
): void {
  const { names, metrics } = registry();
  names.set(metric, name);
  for (const f of fns) metrics.set(f, metric);
}

/**
 * The metric behind a value or update function of `aggregateMetricMap`/`aggregateMetrics`
 * (or a `streaming` pair), if any.
 *
 * @example
 * const [namesToValues] = aggregateMetricMap({ acc: accuracy() });
 * metricOf(namesToValues.acc!)?.reset();
 */
export function metricOf(fn: unknown): Metric<tf.Rank, never> | undefined {
  return typeof fn === 'function' ? registry().metrics.get(fn) : undefined;
}

/** The name an aggregate map gave `metric`, else its own `name`. */
export function aggregatedName(metric: Metric<tf.Rank, never>): string {
  return registry().names.get(metric) ?? metric.name;
}
