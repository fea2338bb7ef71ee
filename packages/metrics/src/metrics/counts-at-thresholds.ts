// Weighted tp, fp, tn, fn at each threshold (TF's *_at_thresholds).
import type * as tf from '@tensorflow/tfjs-core';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import {
  checkThresholds,
  confusionAtThresholds,
  confusionStates,
  type ConfusionKey,
} from '../core/thresholds.js';
import type { Metric, PredictionArgs } from '../core/types.js';

export interface ThresholdsOptions extends MetricOptions {
  /** Thresholds in [0, 1]; a prediction is positive when greater than the threshold. */
  thresholds: readonly number[];
}

const KINDS: Record<ConfusionKey, string> = {
  tp: 'truePositivesAtThresholds',
  fp: 'falsePositivesAtThresholds',
  tn: 'trueNegativesAtThresholds',
  fn: 'falseNegativesAtThresholds',
};

function atThresholds(key: ConfusionKey, options: ThresholdsOptions): Metric<tf.Rank.R1> {
  const kind = KINDS[key];
  const thresholds = [...checkThresholds(kind, options?.thresholds)];
  return new StreamingMetric<tf.Rank.R1, PredictionArgs, ConfusionKey | 'invalid'>(
    {
      kind,
      config: { thresholds },
      states: confusionStates([key], thresholds.length) as Record<ConfusionKey | 'invalid', never>,
      batch: (predictions, labels, weights) => {
        const all = confusionAtThresholds(
          `${kind}.update`,
          thresholds,
          predictions,
          labels,
          weights,
        );
        return { [key]: all[key], invalid: all.invalid } as Record<
          ConfusionKey | 'invalid',
          tf.Tensor
        >;
      },
      compute: (s) => s[key] as tf.Tensor1D,
    },
    options,
  );
}

/**
 * Weighted true positives at each threshold, shape [T] (TF `true_positives_at_thresholds`).
 * Predictions must be in [0, 1]; labels are cast to bool.
 *
 * @example
 * const tp = truePositivesAtThresholds({ thresholds: [0.25, 0.5, 0.75] });
 * tp.update(probabilities, labels);
 * await tp.resultArray(); // [n, n, n]
 */
export function truePositivesAtThresholds(options: ThresholdsOptions): Metric<tf.Rank.R1> {
  return atThresholds('tp', options);
}

/**
 * Weighted false positives at each threshold, shape [T] (TF `false_positives_at_thresholds`).
 *
 * @example
 * const fp = falsePositivesAtThresholds({ thresholds: [0.5] });
 */
export function falsePositivesAtThresholds(options: ThresholdsOptions): Metric<tf.Rank.R1> {
  return atThresholds('fp', options);
}

/**
 * Weighted true negatives at each threshold, shape [T] (TF `true_negatives_at_thresholds`).
 *
 * @example
 * const tn = trueNegativesAtThresholds({ thresholds: [0.5] });
 */
export function trueNegativesAtThresholds(options: ThresholdsOptions): Metric<tf.Rank.R1> {
  return atThresholds('tn', options);
}

/**
 * Weighted false negatives at each threshold, shape [T] (TF `false_negatives_at_thresholds`).
 *
 * @example
 * const fn = falseNegativesAtThresholds({ thresholds: [0.5] });
 */
export function falseNegativesAtThresholds(options: ThresholdsOptions): Metric<tf.Rank.R1> {
  return atThresholds('fn', options);
}
