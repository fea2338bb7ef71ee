// mean: TF-Slim's streaming_mean.
import type * as tf from '@tensorflow/tfjs-core';
import { prepareWeights, toFloat } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, ValueArgs } from '../core/types.js';
import { meanOf } from '../core/weighted-mean.js';

/**
 * Running (weighted) mean of every value seen: sum(w * v) / sum(w), 0 before any weight.
 * TF-Slim `streaming_mean` / `tf.metrics.mean`.
 *
 * @example
 * const loss = mean();
 * loss.update(batchLoss);            // scalar or any shape
 * loss.update(perExample, weights);  // weights: scalar, or broadcastable to the values
 * await loss.resultNumber();
 */
export function mean(options: MetricOptions = {}): Metric<tf.Rank.R0, ValueArgs> {
  const fn = 'mean.update';
  return new StreamingMetric(
    meanOf<ValueArgs>({
      kind: 'mean',
      config: {},
      perElement: (values, weights) => {
        const v = toFloat(fn, 'values', values);
        return { values: v, weights: prepareWeights(fn, weights, v.shape) };
      },
    }),
    options,
  );
}
