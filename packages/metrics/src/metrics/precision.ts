// precision: TF-Slim's streaming_precision.
import * as tf from '@tensorflow/tfjs-core';
import { binaryInputs, checkThreshold, weightedCount, type BinaryOptions } from '../core/binary.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';

export interface PrecisionOptions extends MetricOptions, BinaryOptions {}

/**
 * tp / (tp + fp), 0 while nothing was predicted positive (TF-Slim `streaming_precision`).
 * Inputs are cast to bool (non-zero is positive) unless `threshold` is given.
 *
 * @example
 * const p = precision({ threshold: 0.5 });
 * p.update(tf.sigmoid(logits), labels);
 * await p.resultNumber();
 */
export function precision(options: PrecisionOptions = {}): Metric {
  const fn = 'precision.update';
  checkThreshold('precision', options.threshold);
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'tp' | 'fp'>(
    {
      kind: 'precision',
      config: { threshold: options.threshold ?? null },
      states: { tp: { shape: [], reduce: 'sum' }, fp: { shape: [], reduce: 'sum' } },
      batch: (predictions, labels, weights) => {
        const { p, l, w } = binaryInputs(fn, options.threshold, predictions, labels, weights);
        return {
          tp: weightedCount(tf.logicalAnd(l, p), w),
          fp: weightedCount(tf.logicalAnd(tf.logicalNot(l), p), w),
        };
      },
      compute: (s) => safeRatio(s.tp, tf.add(s.tp, s.fp)),
    },
    options,
  );
}

/** TF's `where(den > 0, num / den, 0)`. */
export function safeRatio(num: tf.Tensor, den: tf.Tensor): tf.Scalar {
  return tf.where(tf.greater(den, 0), tf.div(num, den), tf.zerosLike(den)) as tf.Scalar;
}
