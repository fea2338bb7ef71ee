// sensitivityAtSpecificity and specificityAtSensitivity.
import * as tf from '@tensorflow/tfjs-core';
import { at, firstArgMin, lastArgMin } from '../core/pick.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import { RATE_EPSILON, targetRate, targetThresholds } from '../core/target-rate.js';
import { confusionAtThresholds, confusionStates } from '../core/thresholds.js';
import type { Metric, PredictionArgs } from '../core/types.js';

export interface SensitivityAtSpecificityOptions extends MetricOptions {
  /** The specificity in [0, 1] to read the sensitivity at. Required. */
  specificity: number;
  /** Number of thresholds, ends included. Default 200. */
  numThresholds?: number;
}

export interface SpecificityAtSensitivityOptions extends MetricOptions {
  /** The sensitivity in [0, 1] to read the specificity at. Required. */
  sensitivity: number;
  /** Number of thresholds, ends included. Default 200. */
  numThresholds?: number;
}

type Counts = 'tp' | 'fp' | 'tn' | 'fn' | 'invalid';

/**
 * Sensitivity (recall) at the threshold whose specificity is closest to `specificity` (TF
 * `sensitivity_at_specificity`): specificity = tn / (tn + fp + 1e-7) at TF's `numThresholds`
 * thresholds, the first closest one wins, sensitivity = tp / (tp + fn + 1e-7) there.
 * Predictions must be probabilities in [0, 1].
 *
 * @example
 * const m = sensitivityAtSpecificity({ specificity: 0.9 });
 * m.update(probabilities, labels);
 * await m.resultNumber();
 */
export function sensitivityAtSpecificity(options: SensitivityAtSpecificityOptions): Metric {
  const kind = 'sensitivityAtSpecificity';
  const specificity = targetRate(kind, 'specificity', options?.specificity);
  const thresholds = targetThresholds(kind, options.numThresholds ?? 200);
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, Counts>(
    {
      kind,
      config: { specificity, thresholds },
      states: confusionStates(['tp', 'fp', 'tn', 'fn'], thresholds.length),
      batch: (predictions, labels, weights) =>
        confusionAtThresholds(`${kind}.update`, thresholds, predictions, labels, weights),
      compute: ({ tp, fp, tn, fn }) => {
        const spec = tf.div(tn, tf.add(tf.add(tn, fp), RATE_EPSILON));
        const i = firstArgMin(tf.abs(tf.sub(spec, specificity)) as tf.Tensor1D);
        return tf.div(at(tp, i), tf.add(tf.add(at(tp, i), at(fn, i)), RATE_EPSILON)) as tf.Scalar;
      },
    },
    options,
  );
}

/**
 * Specificity at the threshold whose sensitivity is closest to `sensitivity` (TF
 * `specificity_at_sensitivity`): sensitivity = tp / (tp + fn + 1e-7), the last closest
 * threshold wins, specificity = tn / (tn + fp + 1e-7) there. TF's thresholds end at 1 - 1e-7
 * for this metric (not 1 + 1e-7); so do these.
 *
 * @example
 * const m = specificityAtSensitivity({ sensitivity: 0.95 });
 * m.update(probabilities, labels);
 * await m.resultNumber();
 */
export function specificityAtSensitivity(options: SpecificityAtSensitivityOptions): Metric {
  const kind = 'specificityAtSensitivity';
  const sensitivity = targetRate(kind, 'sensitivity', options?.sensitivity);
  const thresholds = targetThresholds(kind, options.numThresholds ?? 200, 'below');
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, Counts>(
    {
      kind,
      config: { sensitivity, thresholds },
      states: confusionStates(['tp', 'fp', 'tn', 'fn'], thresholds.length),
      batch: (predictions, labels, weights) =>
        confusionAtThresholds(`${kind}.update`, thresholds, predictions, labels, weights),
      compute: ({ tp, fp, tn, fn }) => {
        const sens = tf.div(tp, tf.add(tf.add(tp, fn), RATE_EPSILON));
        const i = lastArgMin(tf.abs(tf.sub(sens, sensitivity)) as tf.Tensor1D);
        return tf.div(at(tn, i), tf.add(tf.add(at(tn, i), at(fp, i)), RATE_EPSILON)) as tf.Scalar;
      },
    },
    options,
  );
}
