// rootMeanSquaredError: TF-Slim's streaming_root_mean_squared_error.
import * as tf from '@tensorflow/tfjs-core';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import { meanOf } from '../core/weighted-mean.js';
import { squaredErrors } from './mean-squared-error.js';

/**
 * sqrt of the running weighted mean squared error (TF-Slim
 * `streaming_root_mean_squared_error`): the root of the whole stream's MSE, not a mean of
 * per-batch roots.
 *
 * @example
 * const rmse = rootMeanSquaredError();
 * rmse.update(predictions, labels);
 * await rmse.resultNumber();
 */
export function rootMeanSquaredError(options: MetricOptions = {}): Metric {
  return new StreamingMetric(
    meanOf<PredictionArgs>({
      kind: 'rootMeanSquaredError',
      config: {},
      perElement: (...args) => squaredErrors('rootMeanSquaredError.update', ...args),
      finalize: (mse) => tf.sqrt(mse),
    }),
    options,
  );
}
