// count: TF-Slim's count.
import * as tf from '@tensorflow/tfjs-core';
import { prepareWeights, toTensor } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, ValueArgs } from '../core/types.js';

/**
 * How many values were seen (TF-Slim `count`, the denominator of `streaming_mean`): the number
 * of elements, or the sum of the weights (broadcast to the values, TF's rules) when given.
 * Only the values' shape is used.
 *
 * @example
 * const n = count();
 * n.update(tf.zeros([4, 3]));               // 12
 * n.update(tf.zeros([2, 3]), [1, 0.5]);     // + 3 * 1.5
 * await n.resultNumber(); // 16.5
 */
export function count(options: MetricOptions = {}): Metric<tf.Rank.R0, ValueArgs> {
  const kind = 'count';
  const fn = `${kind}.update`;
  return new StreamingMetric<tf.Rank.R0, ValueArgs, 'count'>(
    {
      kind,
      config: {},
      states: { count: { shape: [], reduce: 'sum' } },
      batch: (values, weights) => {
        const v = toTensor(fn, 'values', values);
        const w = prepareWeights(fn, weights, v.shape);
        return { count: w === null ? tf.scalar(v.size) : tf.sum(w) };
      },
      compute: (s) => s.count as tf.Scalar,
    },
    options,
  );
}
