// slim README, "Evaluation Loop":
//   names_to_values, names_to_updates = slim.metrics.aggregate_metric_map({
//       'accuracy': slim.metrics.accuracy(predictions, labels),
//       'precision': slim.metrics.precision(predictions, labels),
//       'recall': slim.metrics.recall(predictions, labels),
//   })
//   # Create the summary ops such that they also print out to std output:
//   summary_ops = []
//   for metric_name, metric_value in names_to_values.iteritems():
//     op = tf.summary.scalar(metric_name, metric_value)
//     op = tf.Print(op, [metric_value], metric_name)
//     summary_ops.append(op)
//   slim.get_or_create_global_step()
//   slim.evaluation.evaluation_loop(
//       'local', checkpoint_dir, log_dir, num_evals=num_batches,
//       eval_op=names_to_updates.values(),
//       summary_op=tf.summary.merge(summary_ops),
//       eval_interval_secs=eval_interval_secs)
// The loop follows a "trainer" that writes its second checkpoint after the first evaluation.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { evaluationLoop } from '@tfslim/learning';
import { aggregateMetricMap, metricOf } from '@tfslim/metrics';
import { streamingAccuracy, streamingPrecision, streamingRecall } from '@tfslim/metrics/slim';
import { MemoryFileStore } from '@tfslim/storage';
import { listEventFiles, readEvents } from '@tfslim/summary';
import { VariableStore, getOrCreateGlobalStep, withVariableStore } from '@tfslim/variables';
import { expectClose, num } from './_check.js';
import { BATCH_SIZE, INPUTS, batch, expected, myModel, writeCheckpoint } from './_classifier.js';

export async function main(): Promise<Record<string, Record<number, number>>> {
  await selectBackend({ require: 'cpu', env: {} });
  const fileStore = new MemoryFileStore();
  const store = new VariableStore();
  tf.tidy(() => {
    withVariableStore(store, () => myModel(batch(0).x));
  });
  getOrCreateGlobalStep({ store });
  const [namesToValues, namesToUpdates] = aggregateMetricMap({
    accuracy: streamingAccuracy(),
    precision: streamingPrecision(),
    recall: streamingRecall(),
  });
  const printed: string[] = [];
  await writeCheckpoint('/train', 0, 1, fileStore);
  await evaluationLoop('/train', '/eval', {
    store,
    fileStore,
    numEvals: Math.ceil(INPUTS.length / BATCH_SIZE),
    log: null,
    evalIntervalSecs: 0,
    pollSecs: 0.01,
    maxNumberOfEvaluations: 2,
    evalOp: (k) =>
      tf.tidy(() => {
        const { x, labels } = batch(k);
        const predictions = withVariableStore(store, () => myModel(x));
        for (const update of Object.values(namesToUpdates)) update(predictions, labels);
      }),
    summaryOp: (writer, globalStep) => {
      for (const [metricName, metricValue] of Object.entries(namesToValues)) {
        const value = tf.tidy(() => num(metricValue()));
        writer.scalar(`summaries/${metricName}`, value, globalStep);
        printed.push(`${metricName}[${value}]`); // tf.Print
      }
    },
    // The trainer: its next checkpoint appears after the first evaluation.
    onEvaluation: async (checkpoint) => {
      if (checkpoint.endsWith('-1')) await writeCheckpoint('/train', 1, 2, fileStore);
    },
  });
  const logged: Record<string, Record<number, number>> = {};
  for (const file of await listEventFiles('/eval', { store: fileStore })) {
    for await (const e of readEvents(file, { store: fileStore })) {
      for (const v of e.values) {
        if (v.kind === 'scalar' && v.tag.startsWith('summaries/'))
          (logged[v.tag] ??= {})[Number(e.step)] = v.value;
      }
    }
  }
  for (const [w, step] of [
    [0, 1],
    [1, 2],
  ] as const) {
    const want = expected(w);
    for (const name of ['accuracy', 'precision', 'recall'] as const) {
      expectClose(
        `summaries/${name} at step ${step}`,
        logged[`summaries/${name}`]?.[step] ?? NaN,
        want[name],
      );
    }
  }
  if (printed.length !== 6)
    throw new Error(`expected 6 printed metric values, got ${printed.length}.`);
  for (const value of Object.values(namesToValues)) metricOf(value)?.dispose();
  store.dispose();
  return logged;
}
