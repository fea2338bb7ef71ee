// recall: TF-Slim's streaming_recall.
import * as tf from '@tensorflow/tfjs-core';
import { binaryInputs, checkThreshold, weightedCount, type BinaryOptions } from '../core/binary.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import { safeRatio } from './precision.js';

export interface RecallOptions extends MetricOptions, BinaryOptions {}

/**
 * tp / (tp + fn), 0 while no label was positive (TF-Slim `streaming_recall`). Inputs are cast
 * to bool (non-zero is positive) unless `threshold` is given.
 *
 * @example
 * const r = recall();
 * r.update(predictedBool, labelsBool, weights);
 * await r.resultNumber();
 */
export function recall(options: RecallOptions = {}): Metric {
  const fn = 'recall.update';
  checkThreshold('recall', options.threshold);
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'tp' | 'fn'>(
    {
      kind: 'recall',
      config: { threshold: options.threshold ?? null },
      states: { tp: { shape: [], reduce: 'sum' }, fn: { shape: [], reduce: 'sum' } },
      batch: (predictions, labels, weights) => {
        const { p, l, w } = binaryInputs(fn, options.threshold, predictions, labels, weights);
        return {
          tp: weightedCount(tf.logicalAnd(l, p), w),
          fn: weightedCount(tf.logicalAnd(l, tf.logicalNot(p)), w),
        };
      },
      compute: (s) => safeRatio(s.tp, tf.add(s.tp, s.fn)),
    },
    options,
  );
}
