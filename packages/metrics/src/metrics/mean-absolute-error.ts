// meanAbsoluteError: TF-Slim's streaming_mean_absolute_error.
import * as tf from '@tensorflow/tfjs-core';
import { alignPair, prepareWeights, toFloat } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import { meanOf } from '../core/weighted-mean.js';

/**
 * Running weighted mean of |predictions - labels| (TF-Slim `streaming_mean_absolute_error`).
 *
 * @example
 * const mae = meanAbsoluteError();
 * mae.update(tf.tensor1d([1, 2]), tf.tensor1d([2, 4]));
 * await mae.resultNumber(); // 1.5
 */
export function meanAbsoluteError(options: MetricOptions = {}): Metric {
  const fn = 'meanAbsoluteError.update';
  return new StreamingMetric(
    meanOf<PredictionArgs>({
      kind: 'meanAbsoluteError',
      config: {},
      perElement: (predictions, labels, weights) => {
        const [p, l] = alignPair(
          fn,
          toFloat(fn, 'predictions', predictions),
          toFloat(fn, 'labels', labels),
        );
        return { values: tf.abs(tf.sub(p, l)), weights: prepareWeights(fn, weights, p.shape) };
      },
    }),
    options,
  );
}
