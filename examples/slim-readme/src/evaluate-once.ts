// slim README, "Evaluation Loop" with slim's evaluate_once (one checkpoint):
//   predictions = MyModel(images)
//   names_to_values, names_to_updates = slim.metrics.aggregate_metric_map({
//       'accuracy': slim.metrics.accuracy(predictions, labels),
//       'precision': slim.metrics.precision(predictions, labels),
//       'recall': slim.metrics.recall(predictions, labels),
//   })
//   num_batches = math.ceil(num_examples / float(batch_size))
//   metric_values = slim.evaluation.evaluate_once(
//       '', checkpoint_path, log_dir, num_evals=num_batches,
//       eval_op=names_to_updates.values(), final_op=names_to_values.values())
// Two checkpoints evaluated one after the other: slim resets the streaming metrics when each
// evaluation starts, so each result is that checkpoint's alone.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { evaluateOnce } from '@tfslim/learning';
import { aggregateMetricMap, metricOf } from '@tfslim/metrics';
import { streamingAccuracy, streamingPrecision, streamingRecall } from '@tfslim/metrics/slim';
import { MemoryFileStore } from '@tfslim/storage';
import { VariableStore, withVariableStore } from '@tfslim/variables';
import { expectClose, num } from './_check.js';
import { BATCH_SIZE, INPUTS, batch, expected, myModel, writeCheckpoint } from './_classifier.js';

export async function main(): Promise<number[][]> {
  await selectBackend({ require: 'cpu', env: {} });
  const fileStore = new MemoryFileStore();
  const store = new VariableStore();
  tf.tidy(() => {
    withVariableStore(store, () => myModel(batch(0).x)); // the model's variables exist
  });
  const [namesToValues, namesToUpdates] = aggregateMetricMap({
    accuracy: streamingAccuracy(),
    precision: streamingPrecision(),
    recall: streamingRecall(),
  });
  const numBatches = Math.ceil(INPUTS.length / BATCH_SIZE);
  const results: number[][] = [];
  for (const [w, step] of [
    [0, 1],
    [1, 2],
  ] as const) {
    const checkpointPath = await writeCheckpoint('/train', w, step, fileStore);
    const metricValues = await evaluateOnce(checkpointPath, '/eval', {
      store,
      fileStore,
      numEvals: numBatches,
      log: null,
      evalOp: (k) =>
        tf.tidy(() => {
          const { x, labels } = batch(k);
          const predictions = withVariableStore(store, () => myModel(x));
          for (const update of Object.values(namesToUpdates)) update(predictions, labels);
        }),
      finalOp: () => Object.values(namesToValues).map((value) => tf.tidy(() => num(value()))),
    });
    const want = expected(w);
    expectClose(`accuracy of w=${w}`, metricValues[0]!, want.accuracy);
    expectClose(`precision of w=${w}`, metricValues[1]!, want.precision);
    expectClose(`recall of w=${w}`, metricValues[2]!, want.recall); // 0.25 if not reset
    results.push(metricValues);
  }
  for (const value of Object.values(namesToValues)) metricOf(value)?.dispose();
  store.dispose();
  return results;
}
