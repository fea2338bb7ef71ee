// f1Score: TF's tf.contrib.metrics.f1_score.
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError } from '../core/errors.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import {
  aucThresholds,
  checkThresholds,
  confusionAtThresholds,
  confusionStates,
  THRESHOLD_EPSILON as EPS,
} from '../core/thresholds.js';
import type { Metric, PredictionArgs } from '../core/types.js';

export interface F1ScoreOptions extends MetricOptions {
  /** Number of thresholds (TF's formula, ends included). Default 200. */
  numThresholds?: number;
  /** Explicit thresholds to take the best F1 over (used as given). */
  thresholds?: readonly number[];
  /** One threshold: the F1 at exactly this threshold (Keras-style). */
  threshold?: number;
}

/**
 * The best F1 over thresholds, TF's `tf.contrib.metrics.f1_score`: at each threshold
 * P = tp / (1e-7 + tp + fp), R = tp / (1e-7 + tp + fn), F1 = 2PR / (P + R + 1e-7); the result
 * is the maximum. With `threshold`, the F1 at that one threshold. Predictions in [0, 1].
 *
 * @example
 * const best = f1Score();                    // max over 200 thresholds
 * const atHalf = f1Score({ threshold: 0.5 }); // F1 at 0.5
 * atHalf.update(probabilities, labels);
 * await atHalf.resultNumber();
 */
export function f1Score(options: F1ScoreOptions = {}): Metric {
  const kind = 'f1Score';
  let thresholds: number[];
  if (options.threshold !== undefined) {
    if (options.thresholds !== undefined) {
      throw new MetricInputError(
        `${kind}: expected threshold or thresholds, got both. Pass one of them.`,
      );
    }
    thresholds = [...checkThresholds(kind, [options.threshold])];
  } else if (options.thresholds !== undefined) {
    thresholds = [...checkThresholds(kind, options.thresholds)];
  } else {
    thresholds = aucThresholds(kind, options.numThresholds ?? 200);
  }
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'tp' | 'fp' | 'fn' | 'invalid'>(
    {
      kind,
      config: { thresholds },
      states: confusionStates(['tp', 'fp', 'fn'], thresholds.length),
      batch: (predictions, labels, weights) => {
        const c = confusionAtThresholds(`${kind}.update`, thresholds, predictions, labels, weights);
        return { tp: c.tp, fp: c.fp, fn: c.fn, invalid: c.invalid };
      },
      compute: ({ tp, fp, fn }) => {
        const p = tf.div(tp, tf.add(tf.add(EPS, tp), fp));
        const r = tf.div(tp, tf.add(tf.add(EPS, tp), fn));
        const f1 = tf.div(tf.mul(tf.mul(2, p), r), tf.add(tf.add(p, r), EPS));
        return tf.max(f1) as tf.Scalar;
      },
    },
    options,
  );
}
