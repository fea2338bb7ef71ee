// covariance: TF-Slim's streaming_covariance, and the co-moments it shares.
import * as tf from '@tensorflow/tfjs-core';
import { alignPair, prepareWeights, toFloat } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, MetricInput, PredictionArgs } from '../core/types.js';

/** Weighted count, means and co-moment of one pair of streams. */
export interface CoMoments {
  count: tf.Tensor;
  meanX: tf.Tensor;
  meanY: tf.Tensor;
  comoment: tf.Tensor;
}

/** Aligned predictions, labels and weights (null: 1) as floats. */
export function pairInputs(
  fn: string,
  predictions: MetricInput,
  labels: MetricInput,
  weights: MetricInput | undefined,
): { x: tf.Tensor; y: tf.Tensor; w: tf.Tensor | null } {
  const [x, y] = alignPair(
    fn,
    toFloat(fn, 'predictions', predictions),
    toFloat(fn, 'labels', labels),
  );
  return { x, y, w: prepareWeights(fn, weights, y.shape) };
}

/** One batch's count, means and comoment sum(w (x - mean x)(y - mean y)). */
export function batchMoments(x: tf.Tensor, y: tf.Tensor, w: tf.Tensor | null): CoMoments {
  const count = w === null ? tf.scalar(x.size) : tf.sum(w);
  const wsum = (t: tf.Tensor) => tf.sum(w === null ? t : tf.mul(t, w));
  const meanX = tf.divNoNan(wsum(x), count);
  const meanY = tf.divNoNan(wsum(y), count);
  const comoment = wsum(tf.mul(tf.sub(x, meanX), tf.sub(y, meanY)));
  return { count, meanX, meanY, comoment };
}

/**
 * Chan et al.'s parallel combination, the update TF's streaming covariance applies per batch:
 * C_AB = C_A + C_B + (mean_A - mean_B)_x (mean_A - mean_B)_y n_A n_B / n_AB.
 */
export function combineMoments(a: CoMoments, b: CoMoments): CoMoments {
  const count = tf.add(a.count, b.count);
  const share = tf.divNoNan(b.count, count);
  const dx = tf.sub(b.meanX, a.meanX);
  const dy = tf.sub(b.meanY, a.meanY);
  return {
    count,
    meanX: tf.add(a.meanX, tf.mul(dx, share)),
    meanY: tf.add(a.meanY, tf.mul(dy, share)),
    comoment: tf.add(
      tf.add(a.comoment, b.comoment),
      tf.mul(tf.mul(dx, dy), tf.divNoNan(tf.mul(a.count, b.count), count)),
    ),
  };
}

/** TF's result: comoment / (count - 1), NaN while count <= 1. */
export function unbiased(comoment: tf.Tensor, count: tf.Tensor): tf.Tensor {
  return tf.where(tf.lessEqual(count, 1), tf.scalar(NaN), tf.div(comoment, tf.sub(count, 1)));
}

const SCALAR = { shape: [], reduce: 'sum' } as const;

/**
 * Unbiased sample covariance of predictions and labels over everything seen (TF-Slim
 * `streaming_covariance`): streaming co-moments, comoment / (count - 1), NaN while the
 * (weighted) count is <= 1. Weights are frequency weights, as in TF.
 *
 * @example
 * const cov = covariance();
 * cov.update(tf.tensor1d([1, 2, 3]), tf.tensor1d([2, 4, 7]));
 * await cov.resultNumber(); // 2.5
 */
export function covariance(options: MetricOptions = {}): Metric {
  const kind = 'covariance';
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, keyof CoMoments>(
    {
      kind,
      config: {},
      states: { count: SCALAR, meanX: SCALAR, meanY: SCALAR, comoment: SCALAR },
      batch: (predictions, labels, weights) => {
        const { x, y, w } = pairInputs(`${kind}.update`, predictions, labels, weights);
        return { ...batchMoments(x, y, w) };
      },
      combine: (a, b) => ({ ...combineMoments(a, b) }),
      compute: (s) => unbiased(s.comoment, s.count) as tf.Scalar,
    },
    options,
  );
}
