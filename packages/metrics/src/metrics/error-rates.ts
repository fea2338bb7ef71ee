// falsePositiveRate and falseNegativeRate.
import * as tf from '@tensorflow/tfjs-core';
import { binaryInputs, checkThreshold, weightedCount, type BinaryOptions } from '../core/binary.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import { safeRatio } from './precision.js';

export interface ErrorRateOptions extends MetricOptions, BinaryOptions {}

/**
 * fp / (fp + tn), 0 while no negative label was seen (TF-Slim
 * `streaming_false_positive_rate`). Inputs are cast to bool (non-zero is positive) unless
 * `threshold` is given.
 *
 * @example
 * const fpr = falsePositiveRate();
 * fpr.update(tf.tensor1d([1, 1, 0, 0]), tf.tensor1d([1, 0, 0, 0]));
 * await fpr.resultNumber(); // 1 / 3
 */
export function falsePositiveRate(options: ErrorRateOptions = {}): Metric {
  return errorRate('falsePositiveRate', false, options);
}

/**
 * fn / (fn + tp), 0 while no positive label was seen (TF-Slim
 * `streaming_false_negative_rate`). Inputs are cast to bool unless `threshold` is given.
 *
 * @example
 * const fnr = falseNegativeRate({ threshold: 0.5 });
 * fnr.update(probabilities, labels);
 * await fnr.resultNumber();
 */
export function falseNegativeRate(options: ErrorRateOptions = {}): Metric {
  return errorRate('falseNegativeRate', true, options);
}

/** Among elements whose label is `label`, the weighted share predicted the other way. */
function errorRate(kind: string, label: boolean, options: ErrorRateOptions): Metric {
  const fn = `${kind}.update`;
  checkThreshold(kind, options.threshold);
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'wrong' | 'right'>(
    {
      kind,
      config: { threshold: options.threshold ?? null },
      states: { wrong: { shape: [], reduce: 'sum' }, right: { shape: [], reduce: 'sum' } },
      batch: (predictions, labels, weights) => {
        const { p, l, w } = binaryInputs(fn, options.threshold, predictions, labels, weights);
        const ofLabel = label ? l : tf.logicalNot(l);
        const agree = label ? p : tf.logicalNot(p);
        return {
          wrong: weightedCount(tf.logicalAnd(ofLabel, tf.logicalNot(agree)), w),
          right: weightedCount(tf.logicalAnd(ofLabel, agree), w),
        };
      },
      compute: (s) => safeRatio(s.wrong, tf.add(s.wrong, s.right)),
    },
    options,
  );
}
