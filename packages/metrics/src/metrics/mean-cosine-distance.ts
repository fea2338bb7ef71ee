// meanCosineDistance: TF-Slim's streaming_mean_cosine_distance.
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError } from '../core/errors.js';
import { alignPair, prepareWeights, shapeStr, toFloat } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import { meanOf } from '../core/weighted-mean.js';

export interface MeanCosineDistanceOptions extends MetricOptions {
  /** The axis holding the vectors (TF's `dim`). Required; negative counts from the end. */
  dim: number;
}

/**
 * 1 - the running weighted mean of sum_dim(predictions * labels) (TF-Slim
 * `streaming_mean_cosine_distance`). Inputs are assumed unit-normalised along `dim`, as in TF;
 * weights have the inputs' shape with `dim` of size 1 (or one less rank).
 *
 * @example
 * const d = meanCosineDistance({ dim: 1 });
 * d.update(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 1]]));
 * await d.resultNumber(); // 1
 */
export function meanCosineDistance(options: MeanCosineDistanceOptions): Metric {
  const fn = 'meanCosineDistance.update';
  const dim = options?.dim;
  if (!Number.isInteger(dim)) {
    throw new MetricInputError(
      `meanCosineDistance: expected dim as an integer axis, got ${String(dim)}. Pass e.g. { dim: 1 }.`,
    );
  }
  return new StreamingMetric(
    meanOf<PredictionArgs>({
      kind: 'meanCosineDistance',
      config: { dim },
      perElement: (predictions, labels, weights) => {
        const [p, l] = alignPair(
          fn,
          toFloat(fn, 'predictions', predictions),
          toFloat(fn, 'labels', labels),
        );
        if (dim >= p.rank || dim < -p.rank) {
          throw new MetricInputError(
            `${fn}: expected inputs with an axis ${dim}, got shape ${shapeStr(p.shape)}. Pass a dim inside the inputs' rank.`,
          );
        }
        const radial = tf.sum(tf.mul(p, l), dim, true);
        return { values: radial, weights: prepareWeights(fn, weights, radial.shape) };
      },
      finalize: (m) => tf.sub(1, m),
    }),
    options,
  );
}
