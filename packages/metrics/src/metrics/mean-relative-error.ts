// meanRelativeError: TF-Slim's streaming_mean_relative_error.
import * as tf from '@tensorflow/tfjs-core';
import { alignPair, prepareWeights, toFloat } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, MetricInput } from '../core/types.js';
import { meanOf } from '../core/weighted-mean.js';

/** `update(predictions, labels, normalizer, weights?)`. */
export type RelativeErrorArgs = [
  predictions: MetricInput,
  labels: MetricInput,
  normalizer: MetricInput,
  weights?: MetricInput,
];

/**
 * Running weighted mean of |labels - predictions| / normalizer, where a normalizer of 0 gives
 * 0 for that element (TF-Slim `streaming_mean_relative_error`). The normalizer is a scalar
 * or has the predictions' shape; often it is the labels themselves.
 *
 * @example
 * const mre = meanRelativeError();
 * mre.update(predictions, labels, labels);
 * await mre.resultNumber();
 */
export function meanRelativeError(
  options: MetricOptions = {},
): Metric<tf.Rank.R0, RelativeErrorArgs> {
  const fn = 'meanRelativeError.update';
  return new StreamingMetric(
    meanOf<RelativeErrorArgs>({
      kind: 'meanRelativeError',
      config: {},
      perElement: (predictions, labels, normalizer, weights) => {
        const [p, l] = alignPair(
          fn,
          toFloat(fn, 'predictions', predictions),
          toFloat(fn, 'labels', labels),
        );
        let n = toFloat(fn, 'normalizer', normalizer);
        if (n.rank > 0) [, n] = alignPair(fn, p, n, 'normalizer');
        const relative = tf.where(tf.equal(n, 0), tf.zerosLike(p), tf.div(tf.abs(tf.sub(l, p)), n));
        return { values: relative, weights: prepareWeights(fn, weights, p.shape) };
      },
    }),
    options,
  );
}
