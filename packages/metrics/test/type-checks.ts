// Compile-time checks of the public types (run by `tsc --noEmit`, never executed).
import * as tf from '@tensorflow/tfjs-core';
import {
  MetricCollection,
  accuracy,
  aggregateMetrics,
  confusionMatrix,
  count,
  curvePoints,
  falsePositiveRateAtThresholds,
  mean,
  withInputs,
  type Metric,
  type MetricInput,
} from '../src/index.js';
import { streamingAccuracy } from '../src/slim.js';

// An adapter's return is checked against the metric's update arguments.
export const adapted = withInputs(accuracy(), (logits, labels) => [
  tf.argMax(logits as tf.Tensor, -1),
  labels,
]);
export const oneInput = withInputs(mean(), (values) => [values]);
// @ts-expect-error mean takes (values, weights?): three inputs do not fit
export const tooMany = withInputs(mean(), (v) => [v, v, v]);
export const collection = new MetricCollection({ adapted, oneInput, plain: accuracy() });
export const custom = new MetricCollection<[x: MetricInput]>({
  m: mean(),
  w: withInputs<[x: MetricInput], tf.Rank.R0, [MetricInput, MetricInput?]>(mean(), (x) => [x, 2]),
});

// Result types follow the metric's rank.
export async function ranks(): Promise<number> {
  const cm: Metric<tf.Rank.R2> = confusionMatrix({ numClasses: 3 });
  const rows: number[][] = await cm.resultArray();
  const acc: number = await accuracy().resultArray();
  return rows.length + acc;
}

export const [value, update] = streamingAccuracy();
export const grouped = aggregateMetrics(accuracy(), streamingAccuracy());

// Ranks of the ranking and curve metrics, and count's one-input update.
export async function moreRanks(): Promise<number> {
  const points: number[][] = await curvePoints({ curve: 'PR' }).resultArray();
  const rates: number[] = await falsePositiveRateAtThresholds({ thresholds: [0.5] }).resultArray();
  const n: number = await count().resultNumber();
  return points.length + rates.length + n;
}
export function countArgs(): void {
  // @ts-expect-error count takes (values, weights?): three inputs do not fit
  count().update([1], [1], [1]);
}
