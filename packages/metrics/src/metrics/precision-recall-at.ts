// precisionAtRecall and recallAtPrecision: TF-Slim's streaming_*_at_* metrics.
import * as tf from '@tensorflow/tfjs-core';
import { at, firstArgMax, firstArgMin } from '../core/pick.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import { RATE_EPSILON, targetRate, targetThresholds } from '../core/target-rate.js';
import { confusionAtThresholds, confusionStates } from '../core/thresholds.js';
import type { Metric, PredictionArgs } from '../core/types.js';

export interface PrecisionAtRecallOptions extends MetricOptions {
  /** The recall in [0, 1] to reach. Required. */
  targetRecall: number;
  /** Number of thresholds, ends included. Default 200. */
  numThresholds?: number;
}

export interface RecallAtPrecisionOptions extends MetricOptions {
  /** The precision in [0, 1] to read the recall at. Required. */
  precision: number;
  /** Number of thresholds, ends included. Default 200. */
  numThresholds?: number;
  /**
   * TF-Slim's `strict_mode`: the recall at the threshold with the smallest precision that is
   * still >= `precision`, or 0 when none reaches it. Default false: the closest precision.
   */
  strict?: boolean;
}

/**
 * Precision at the largest threshold whose recall is still >= `targetRecall` (TF-Slim
 * `precision_at_recall`): recall = tp / (tp + fn + 1e-7) at TF's thresholds, precision =
 * (tp + 1e-7) / (tp + fp + 1e-7) there (the last threshold when none qualifies, as TF's
 * index -1 reads). Predictions must be probabilities in [0, 1].
 *
 * @example
 * const m = precisionAtRecall({ targetRecall: 0.8 });
 * m.update(probabilities, labels);
 * await m.resultNumber();
 */
export function precisionAtRecall(options: PrecisionAtRecallOptions): Metric {
  const kind = 'precisionAtRecall';
  const targetRecall = targetRate(kind, 'targetRecall', options?.targetRecall);
  const thresholds = targetThresholds(kind, options.numThresholds ?? 200);
  const T = thresholds.length;
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'tp' | 'fp' | 'fn' | 'invalid'>(
    {
      kind,
      config: { targetRecall, thresholds },
      states: confusionStates(['tp', 'fp', 'fn'], T),
      batch: (predictions, labels, weights) => {
        const c = confusionAtThresholds(`${kind}.update`, thresholds, predictions, labels, weights);
        return { tp: c.tp, fp: c.fp, fn: c.fn, invalid: c.invalid };
      },
      compute: ({ tp, fp, fn }) => {
        const recalls = tf.div(tp, tf.add(tf.add(tp, fn), RATE_EPSILON));
        const admissible = tf.sum(tf.cast(tf.greaterEqual(recalls, targetRecall), 'int32'));
        const raw = tf.sub(admissible, tf.scalar(1, 'int32'));
        const i = tf.where(tf.less(raw, 0), tf.scalar(T - 1, 'int32'), raw) as tf.Scalar;
        const tpi = at(tp, i);
        return tf.div(
          tf.add(tpi, RATE_EPSILON),
          tf.add(tf.add(tpi, at(fp, i)), RATE_EPSILON),
        ) as tf.Scalar;
      },
    },
    options,
  );
}

/**
 * Recall at the threshold whose precision is closest to `precision` (TF-Slim
 * `recall_at_precision`): precision = tp / (tp + fp + 1e-7) at TF's thresholds, the first
 * closest one wins, recall = tp / (tp + fn + 1e-7) there. With `strict`, slim's
 * `strict_mode` (see the option).
 *
 * @example
 * const m = recallAtPrecision({ precision: 0.9 });
 * m.update(probabilities, labels);
 * await m.resultNumber();
 */
export function recallAtPrecision(options: RecallAtPrecisionOptions): Metric {
  const kind = 'recallAtPrecision';
  const precision = targetRate(kind, 'precision', options?.precision);
  const strict = options.strict ?? false;
  const thresholds = targetThresholds(kind, options.numThresholds ?? 200);
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'tp' | 'fp' | 'fn' | 'invalid'>(
    {
      kind,
      config: { precision, strict, thresholds },
      states: confusionStates(['tp', 'fp', 'fn'], thresholds.length),
      batch: (predictions, labels, weights) => {
        const c = confusionAtThresholds(`${kind}.update`, thresholds, predictions, labels, weights);
        return { tp: c.tp, fp: c.fp, fn: c.fn, invalid: c.invalid };
      },
      compute: ({ tp, fp, fn }) => {
        const precisions = tf.div(tp, tf.add(tf.add(tp, fp), RATE_EPSILON));
        const gap = tf.sub(precisions, precision);
        const i = strict
          ? firstArgMax(tf.div(1, tf.add(gap, RATE_EPSILON)) as tf.Tensor1D)
          : firstArgMin(tf.abs(gap) as tf.Tensor1D);
        const tpi = at(tp, i);
        const recall = tf.div(tpi, tf.add(tf.add(tpi, at(fn, i)), RATE_EPSILON));
        if (!strict) return recall as tf.Scalar;
        return tf.where(
          tf.greaterEqual(at(precisions, i), precision),
          recall,
          tf.scalar(0),
        ) as tf.Scalar;
      },
    },
    options,
  );
}
