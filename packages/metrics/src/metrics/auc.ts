// auc: TF's streaming AUC over thresholds (ROC or PR, four summations).
import * as tf from '@tensorflow/tfjs-core';
import { oneOf } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import { aucThresholds, confusionAtThresholds, confusionStates } from '../core/thresholds.js';
import type { Metric, PredictionArgs } from '../core/types.js';

export type AucCurve = 'ROC' | 'PR';
export type AucSummation = 'trapezoidal' | 'carefulInterpolation' | 'minoring' | 'majoring';

export interface AucOptions extends MetricOptions {
  /** Number of thresholds, ends included. Default 200. */
  numThresholds?: number;
  /** 'ROC' (default) or 'PR' (precision-recall). */
  curve?: AucCurve;
  /** Riemann sum: 'trapezoidal' (default, TF's), 'carefulInterpolation' (PR), 'minoring', 'majoring'. */
  summationMethod?: AucSummation;
  /** Explicit thresholds in [0, 1] (sorted; -1e-7 and 1 + 1e-7 are added). Overrides numThresholds. */
  thresholds?: readonly number[];
}

/** TF's `epsilon` in the AUC rates. */
const EPS = 1e-6;

/**
 * Area under the ROC or PR curve from confusion counts at fixed thresholds, with TF's numbers
 * (`tf.metrics.auc`): thresholds `[-1e-7, 1/(n-1), ..., 1 + 1e-7]`, positive means
 * prediction > threshold, recall = (tp + 1e-6) / (tp + fn + 1e-6), fpr = fp / (fp + tn + 1e-6),
 * precision = (tp + 1e-6) / (tp + fp + 1e-6), trapezoids between consecutive thresholds.
 * Predictions must be probabilities in [0, 1].
 *
 * @example
 * const rocAuc = auc({ numThresholds: 200, curve: 'ROC' });
 * rocAuc.update(tf.sigmoid(logits), labels);
 * await rocAuc.resultNumber();
 */
export function auc(options: AucOptions = {}): Metric {
  const kind = 'auc';
  const curve = oneOf(kind, 'curve', options.curve ?? 'ROC', ['ROC', 'PR'] as const);
  const method = oneOf(kind, 'summationMethod', options.summationMethod ?? 'trapezoidal', [
    'trapezoidal',
    'carefulInterpolation',
    'minoring',
    'majoring',
  ] as const);
  const thresholds = aucThresholds(kind, options.numThresholds ?? 200, options.thresholds);
  const n = thresholds.length;
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'tp' | 'fp' | 'tn' | 'fn' | 'invalid'>(
    {
      kind,
      config: { curve, method, thresholds },
      states: confusionStates(['tp', 'fp', 'tn', 'fn'], n),
      batch: (predictions, labels, weights) =>
        confusionAtThresholds(`${kind}.update`, thresholds, predictions, labels, weights),
      compute: ({ tp, fp, tn, fn }) => {
        if (curve === 'PR' && method === 'carefulInterpolation')
          return interpolatePrAuc(tp, fp, fn, n);
        const rec = tf.div(tf.add(tp, EPS), tf.add(tf.add(tp, fn), EPS));
        let x: tf.Tensor;
        let y: tf.Tensor;
        if (curve === 'ROC') {
          x = tf.div(fp, tf.add(tf.add(fp, tn), EPS));
          y = rec;
        } else {
          x = rec;
          y = tf.div(tf.add(tp, EPS), tf.add(tf.add(tp, fp), EPS));
        }
        const dx = tf.sub(head(x, n), tail(x, n));
        const y0 = head(y, n);
        const y1 = tail(y, n);
        const height =
          method === 'minoring'
            ? tf.minimum(y0, y1)
            : method === 'majoring'
              ? tf.maximum(y0, y1)
              : tf.div(tf.add(y0, y1), 2);
        return tf.sum(tf.mul(dx, height)) as tf.Scalar;
      },
    },
    options,
  );
}

const head = (t: tf.Tensor, n: number) => tf.slice(t, [0], [n - 1]);
const tail = (t: tf.Tensor, n: number) => tf.slice(t, [1], [n - 1]);

/** TF's `interpolate_pr_auc` (Davis & Goadrich 2006, closed form). */
function interpolatePrAuc(tp: tf.Tensor, fp: tf.Tensor, fn: tf.Tensor, n: number): tf.Scalar {
  const dtp = tf.sub(head(tp, n), tail(tp, n));
  const p = tf.add(tp, fp);
  const precSlope = tf.divNoNan(dtp, tf.maximum(tf.sub(head(p, n), tail(p, n)), 0));
  const intercept = tf.sub(tail(tp, n), tf.mul(precSlope, tail(p, n)));
  const bothPositive = tf.logicalAnd(tf.greater(head(p, n), 0), tf.greater(tail(p, n), 0));
  const safeRatio = tf.where(
    bothPositive,
    tf.divNoNan(head(p, n), tf.maximum(tail(p, n), 0)),
    tf.onesLike(tail(p, n)),
  );
  const increment = tf.divNoNan(
    tf.mul(precSlope, tf.add(dtp, tf.mul(intercept, tf.log(safeRatio)))),
    tf.maximum(tf.add(tail(tp, n), tail(fn, n)), 0),
  );
  return tf.sum(increment) as tf.Scalar;
}
