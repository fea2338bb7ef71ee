// slim README, "Metrics", the two conveniences:
//   # Aggregates the value and update ops in two lists:
//   value_ops, update_ops = slim.metrics.aggregate_metrics(
//       slim.metrics.streaming_mean_absolute_error(predictions, labels),
//       slim.metrics.streaming_mean_squared_error(predictions, labels))
//   # Aggregates the value and update ops in two dictionaries:
//   names_to_values, names_to_updates = slim.metrics.aggregate_metric_map({
//       "eval/mean_absolute_error": slim.metrics.streaming_mean_absolute_error(predictions, labels),
//       "eval/mean_squared_error": slim.metrics.streaming_mean_squared_error(predictions, labels),
//   })
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { aggregateMetricMap, aggregateMetrics, metricOf } from '@tfslim/metrics';
import { streamingMeanAbsoluteError, streamingMeanSquaredError } from '@tfslim/metrics/slim';
import { expectClose, num } from './_check.js';

const PREDICTIONS = [1, 2, 4];
const LABELS = [1, 4, 1];
// By hand: |0, 2, 3| -> 5/3; 0 + 4 + 9 -> 13/3.
const MAE = 5 / 3;
const MSE = 13 / 3;

export async function main(): Promise<{ lists: number[]; map: Record<string, number> }> {
  await selectBackend({ require: 'cpu', env: {} });
  const pairs = [streamingMeanAbsoluteError(), streamingMeanSquaredError()] as const;
  const [valueOps, updateOps] = aggregateMetrics(...pairs);
  const [namesToValues, namesToUpdates] = aggregateMetricMap({
    'eval/mean_absolute_error': streamingMeanAbsoluteError(),
    'eval/mean_squared_error': streamingMeanSquaredError(),
  });
  tf.tidy(() => {
    const predictions = tf.tensor1d(PREDICTIONS);
    const labels = tf.tensor1d(LABELS);
    updateOps(predictions, labels);
    for (const update of Object.values(namesToUpdates)) update(predictions, labels);
  });
  const lists = tf.tidy(() => valueOps().map(num));
  const map = tf.tidy(() =>
    Object.fromEntries(Object.entries(namesToValues).map(([name, value]) => [name, num(value())])),
  );
  expectClose('value_ops[0] (mean_absolute_error)', lists[0] as number, MAE);
  expectClose('value_ops[1] (mean_squared_error)', lists[1] as number, MSE);
  expectClose('eval/mean_absolute_error', map['eval/mean_absolute_error'] as number, MAE);
  expectClose('eval/mean_squared_error', map['eval/mean_squared_error'] as number, MSE);
  for (const [, , metric] of pairs) metric.dispose();
  for (const value of Object.values(namesToValues)) metricOf(value)?.dispose();
  return { lists, map };
}
