// slim README, "Working example: Tracking Multiple Metrics":
//   predictions = vgg.vgg_16(images)
//   names_to_values, names_to_updates = slim.metrics.aggregate_metric_map({
//       "eval/mean_absolute_error": slim.metrics.streaming_mean_absolute_error(predictions, labels),
//       "eval/mean_squared_error": slim.metrics.streaming_mean_squared_error(predictions, labels),
//   })
//   num_batches = 1000
//   with tf.Session() as sess:
//     sess.run(tf.global_variables_initializer())
//     sess.run(tf.local_variables_initializer())
//     for batch_id in range(num_batches):
//       sess.run(names_to_updates.values())
//     metric_values = sess.run(names_to_values.values())
//     for metric, value in zip(names_to_values.keys(), metric_values):
//       print('Metric %s has value: %f' % (metric, value))
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { aggregateMetricMap, metricOf } from '@tfslim/metrics';
import { streamingMeanAbsoluteError, streamingMeanSquaredError } from '@tfslim/metrics/slim';
import { VariableStore, withVariableStore } from '@tfslim/variables';
import { expectClose, num } from './_check.js';
import { syntheticBatch, tinyVgg16 } from './_tiny-vgg.js';

const NUM_BATCHES = 3;

export async function main(): Promise<Record<string, number>> {
  await selectBackend({ require: 'cpu', env: {} });
  const store = new VariableStore();
  const [namesToValues, namesToUpdates] = aggregateMetricMap({
    'eval/mean_absolute_error': streamingMeanAbsoluteError(),
    'eval/mean_squared_error': streamingMeanSquaredError(),
  });
  const seen: { p: number[]; y: number[] } = { p: [], y: [] };
  for (let batchId = 0; batchId < NUM_BATCHES; batchId++) {
    tf.tidy(() => {
      const { images, labels } = syntheticBatch(2 + batchId, 10);
      const predictions = withVariableStore(store, () => tf.softmax(tinyVgg16(images, 10)));
      for (const update of Object.values(namesToUpdates)) update(predictions, labels);
      seen.p.push(...predictions.dataSync());
      seen.y.push(...labels.dataSync());
    });
  }
  const metricValues: Record<string, number> = {};
  for (const [metric, value] of Object.entries(namesToValues)) {
    metricValues[metric] = tf.tidy(() => num(value()));
    console.log(`Metric ${metric} has value: ${metricValues[metric]!.toFixed(6)}`);
  }
  // By hand, over every element of every batch seen.
  const d = seen.p.map((p, i) => p - (seen.y[i] as number));
  expectClose(
    'eval/mean_absolute_error',
    metricValues['eval/mean_absolute_error']!,
    d.reduce((s, v) => s + Math.abs(v), 0) / d.length,
  );
  expectClose(
    'eval/mean_squared_error',
    metricValues['eval/mean_squared_error']!,
    d.reduce((s, v) => s + v * v, 0) / d.length,
  );
  for (const value of Object.values(namesToValues)) metricOf(value)?.dispose();
  store.dispose();
  return metricValues;
}
