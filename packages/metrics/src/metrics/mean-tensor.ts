// meanTensor: TF-Slim's streaming_mean_tensor.
import * as tf from '@tensorflow/tfjs-core';
import { prepareWeights, toFloat } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, ValueArgs } from '../core/types.js';

/**
 * Element-wise running (weighted) mean: the result has the values' shape (fixed by the first
 * batch). TF `mean_tensor`: total / count per element, 0 where nothing was weighted.
 *
 * @example
 * const perClassLoss = meanTensor();
 * perClassLoss.update(tf.tensor1d([0.5, 1.0]));
 * perClassLoss.update(tf.tensor1d([1.5, 3.0]));
 * await perClassLoss.resultArray(); // [1, 2]
 */
export function meanTensor(options: MetricOptions = {}): Metric<tf.Rank, ValueArgs> {
  const fn = 'meanTensor.update';
  return new StreamingMetric<tf.Rank, ValueArgs, 'total' | 'count'>(
    {
      kind: 'meanTensor',
      config: {},
      states: { total: { shape: null, reduce: 'sum' }, count: { shape: null, reduce: 'sum' } },
      batch: (values, weights) => {
        const v = toFloat(fn, 'values', values);
        const w = prepareWeights(fn, weights, v.shape);
        return w === null ? { total: v, count: tf.onesLike(v) } : { total: tf.mul(v, w), count: w };
      },
      compute: (s) => tf.divNoNan(s.total, tf.maximum(s.count, 0)),
    },
    options,
  );
}
