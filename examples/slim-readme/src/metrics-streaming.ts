// slim README, "Metrics":
//   mae_value_op, mae_update_op = slim.metrics.streaming_mean_absolute_error(predictions, labels)
//   mre_value_op, mre_update_op = slim.metrics.streaming_mean_relative_error(predictions, labels)
//   pl_value_op, pl_update_op = slim.metrics.percentage_less(mean_relative_errors, 0.3)
// Eager, the metric is created first and fed each batch through its update.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  streamingMeanAbsoluteError,
  streamingMeanRelativeError,
  streamingPercentageLess,
} from '@tfslim/metrics/slim';
import { expectClose, num } from './_check.js';

// Two test batches (predictions, labels).
const BATCHES: Array<[number[], number[]]> = [
  [
    [1, 2, 3],
    [1, 3, 2],
  ],
  [
    [4, 6],
    [5, 4],
  ],
];

/** By hand over all five examples: |p - y| and |p - y| / y. */
function reference(): { mae: number; mre: number; pl: number } {
  const p = BATCHES.flatMap(([x]) => x);
  const y = BATCHES.flatMap(([, l]) => l);
  const abs = p.map((v, i) => Math.abs(v - (y[i] as number)));
  const rel = abs.map((a, i) => a / (y[i] as number));
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  return { mae: mean(abs), mre: mean(rel), pl: mean(rel.map((r) => (r < 0.3 ? 1 : 0))) };
}

export async function main(): Promise<{ mae: number; mre: number; pl: number }> {
  await selectBackend({ require: 'cpu', env: {} });
  const [maeValue, maeUpdate, mae] = streamingMeanAbsoluteError();
  const [mreValue, mreUpdate, mre] = streamingMeanRelativeError();
  const [plValue, plUpdate, pl] = streamingPercentageLess({ threshold: 0.3 });
  for (const [p, y] of BATCHES) {
    tf.tidy(() => {
      const predictions = tf.tensor1d(p);
      const labels = tf.tensor1d(y);
      maeUpdate(predictions, labels);
      mreUpdate(predictions, labels, labels); // normalized by the labels
      const meanRelativeErrors = tf.div(tf.abs(tf.sub(predictions, labels)), labels);
      plUpdate(meanRelativeErrors);
    });
  }
  const out = tf.tidy(() => ({ mae: num(maeValue()), mre: num(mreValue()), pl: num(plValue()) }));
  const ref = reference();
  expectClose('mean_absolute_error', out.mae, ref.mae);
  expectClose('mean_relative_error', out.mre, ref.mre);
  expectClose('percentage_less(0.3)', out.pl, ref.pl);
  [mae, mre, pl].forEach((m) => m.dispose());
  return out;
}
