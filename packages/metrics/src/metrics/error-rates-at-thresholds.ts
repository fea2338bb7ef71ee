// falsePositiveRateAtThresholds and falseNegativeRateAtThresholds.
import * as tf from '@tensorflow/tfjs-core';
import { StreamingMetric } from '../core/streaming-metric.js';
import {
  checkThresholds,
  confusionAtThresholds,
  confusionStates,
  THRESHOLD_EPSILON,
} from '../core/thresholds.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import type { ThresholdsOptions } from './counts-at-thresholds.js';

/**
 * False positive rate at each threshold: fp / (fp + tn + 1e-7), shape [T] (TF-Slim
 * `streaming_false_positive_rate_at_thresholds`). Predictions must be in [0, 1].
 *
 * @example
 * const fpr = falsePositiveRateAtThresholds({ thresholds: [0.3, 0.5, 0.7] });
 * fpr.update(probabilities, labels);
 * await fpr.resultArray();
 */
export function falsePositiveRateAtThresholds(options: ThresholdsOptions): Metric<tf.Rank.R1> {
  const kind = 'falsePositiveRateAtThresholds';
  const thresholds = [...checkThresholds(kind, options?.thresholds)];
  return new StreamingMetric<tf.Rank.R1, PredictionArgs, 'fp' | 'tn' | 'invalid'>(
    {
      kind,
      config: { thresholds },
      states: confusionStates(['fp', 'tn'], thresholds.length),
      batch: (predictions, labels, weights) => {
        const c = confusionAtThresholds(`${kind}.update`, thresholds, predictions, labels, weights);
        return { fp: c.fp, tn: c.tn, invalid: c.invalid };
      },
      compute: (s) => tf.div(s.fp, tf.add(tf.add(THRESHOLD_EPSILON, s.fp), s.tn)) as tf.Tensor1D,
    },
    options,
  );
}

/**
 * False negative rate at each threshold: fn / (fn + tp + 1e-7), shape [T] (TF-Slim
 * `streaming_false_negative_rate_at_thresholds`). Predictions must be in [0, 1].
 *
 * @example
 * const fnr = falseNegativeRateAtThresholds({ thresholds: [0.3, 0.5, 0.7] });
 * fnr.update(probabilities, labels);
 * await fnr.resultArray();
 */
export function falseNegativeRateAtThresholds(options: ThresholdsOptions): Metric<tf.Rank.R1> {
  const kind = 'falseNegativeRateAtThresholds';
  const thresholds = [...checkThresholds(kind, options?.thresholds)];
  return new StreamingMetric<tf.Rank.R1, PredictionArgs, 'fn' | 'tp' | 'invalid'>(
    {
      kind,
      config: { thresholds },
      states: confusionStates(['fn', 'tp'], thresholds.length),
      batch: (predictions, labels, weights) => {
        const c = confusionAtThresholds(`${kind}.update`, thresholds, predictions, labels, weights);
        return { fn: c.fn, tp: c.tp, invalid: c.invalid };
      },
      compute: (s) => tf.div(s.fn, tf.add(tf.add(THRESHOLD_EPSILON, s.fn), s.tp)) as tf.Tensor1D,
    },
    options,
  );
}
