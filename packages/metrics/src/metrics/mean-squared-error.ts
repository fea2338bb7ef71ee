// meanSquaredError: TF-Slim's streaming_mean_squared_error.
import * as tf from '@tensorflow/tfjs-core';
import { alignPair, prepareWeights, toFloat } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import { meanOf, type PerElement } from '../core/weighted-mean.js';

/** (p - y)^2 per element, with weights; shared with rootMeanSquaredError. */
export function squaredErrors(
  fn: string,
  ...[predictions, labels, weights]: PredictionArgs
): PerElement {
  const [p, l] = alignPair(
    fn,
    toFloat(fn, 'predictions', predictions),
    toFloat(fn, 'labels', labels),
  );
  return { values: tf.squaredDifference(p, l), weights: prepareWeights(fn, weights, p.shape) };
}

/**
 * Running weighted mean of (predictions - labels)^2 over every element
 * (TF-Slim `streaming_mean_squared_error`).
 *
 * @example
 * const mse = meanSquaredError();
 * mse.update(predictions, labels, weights);
 * await mse.resultNumber();
 */
export function meanSquaredError(options: MetricOptions = {}): Metric {
  return new StreamingMetric(
    meanOf<PredictionArgs>({
      kind: 'meanSquaredError',
      config: {},
      perElement: (...args) => squaredErrors('meanSquaredError.update', ...args),
    }),
    options,
  );
}
