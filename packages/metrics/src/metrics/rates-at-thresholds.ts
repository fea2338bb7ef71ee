// precisionAtThresholds and recallAtThresholds.
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
 * Precision at each threshold: tp / (tp + fp + 1e-7), shape [T] (TF
 * `precision_at_thresholds`, epsilon included, so 0 where nothing is predicted positive).
 *
 * @example
 * const p = precisionAtThresholds({ thresholds: [0.3, 0.5, 0.7] });
 * p.update(probabilities, labels);
 * await p.resultArray();
 */
export function precisionAtThresholds(options: ThresholdsOptions): Metric<tf.Rank.R1> {
  const kind = 'precisionAtThresholds';
  const thresholds = [...checkThresholds(kind, options?.thresholds)];
  return new StreamingMetric<tf.Rank.R1, PredictionArgs, 'tp' | 'fp' | 'invalid'>(
    {
      kind,
      config: { thresholds },
      states: confusionStates(['tp', 'fp'], thresholds.length),
      batch: (predictions, labels, weights) => {
        const c = confusionAtThresholds(`${kind}.update`, thresholds, predictions, labels, weights);
        return { tp: c.tp, fp: c.fp, invalid: c.invalid };
      },
      compute: (s) => tf.div(s.tp, tf.add(tf.add(THRESHOLD_EPSILON, s.tp), s.fp)) as tf.Tensor1D,
    },
    options,
  );
}

/**
 * Recall at each threshold: tp / (tp + fn + 1e-7), shape [T] (TF `recall_at_thresholds`).
 *
 * @example
 * const r = recallAtThresholds({ thresholds: [0.3, 0.5, 0.7] });
 * r.update(probabilities, labels);
 * await r.resultArray();
 */
export function recallAtThresholds(options: ThresholdsOptions): Metric<tf.Rank.R1> {
  const kind = 'recallAtThresholds';
  const thresholds = [...checkThresholds(kind, options?.thresholds)];
  return new StreamingMetric<tf.Rank.R1, PredictionArgs, 'tp' | 'fn' | 'invalid'>(
    {
      kind,
      config: { thresholds },
      states: confusionStates(['tp', 'fn'], thresholds.length),
      batch: (predictions, labels, weights) => {
        const c = confusionAtThresholds(`${kind}.update`, thresholds, predictions, labels, weights);
        return { tp: c.tp, fn: c.fn, invalid: c.invalid };
      },
      compute: (s) => tf.div(s.tp, tf.add(tf.add(THRESHOLD_EPSILON, s.tp), s.fn)) as tf.Tensor1D,
    },
    options,
  );
}
