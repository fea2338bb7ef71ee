// curvePoints: TF-Slim's streaming_curve_points.
import * as tf from '@tensorflow/tfjs-core';
import { oneOf } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import { aucThresholds, confusionAtThresholds, confusionStates } from '../core/thresholds.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import type { AucCurve } from './auc.js';

export interface CurvePointsOptions extends MetricOptions {
  /** Number of thresholds, ends included. Default 200. */
  numThresholds?: number;
  /** 'ROC' (default): points (fpr, recall); 'PR': points (recall, precision). */
  curve?: AucCurve;
}

/** The epsilon slim adds in the curve's rates. */
const EPS = 1e-6;

/**
 * The points of the ROC or PR curve at TF's thresholds, shape [T, 2] (TF-Slim
 * `streaming_curve_points`): recall = (tp + 1e-6) / (tp + fn + 1e-6), fpr = fp / (fp + tn +
 * 1e-6), precision = (tp + 1e-6) / (tp + fp + 1e-6); row i is the point at threshold i
 * (`[-1e-7, 1/(n-1), ..., 1 + 1e-7]`). Predictions must be probabilities in [0, 1].
 *
 * @example
 * const roc = curvePoints({ numThresholds: 5 });
 * roc.update(tf.tensor1d([0.1, 0.4, 0.35, 0.8]), tf.tensor1d([0, 0, 1, 1]));
 * await roc.resultArray(); // [[fpr, tpr], ...] from (1, 1) down to (0, 0)
 */
export function curvePoints(options: CurvePointsOptions = {}): Metric<tf.Rank.R2> {
  const kind = 'curvePoints';
  const curve = oneOf(kind, 'curve', options.curve ?? 'ROC', ['ROC', 'PR'] as const);
  const thresholds = aucThresholds(kind, options.numThresholds ?? 200);
  return new StreamingMetric<tf.Rank.R2, PredictionArgs, 'tp' | 'fp' | 'tn' | 'fn' | 'invalid'>(
    {
      kind,
      config: { curve, thresholds },
      states: confusionStates(['tp', 'fp', 'tn', 'fn'], thresholds.length),
      batch: (predictions, labels, weights) =>
        confusionAtThresholds(`${kind}.update`, thresholds, predictions, labels, weights),
      compute: ({ tp, fp, tn, fn }) => {
        const rec = tf.div(tf.add(tp, EPS), tf.add(tf.add(tp, fn), EPS));
        const [x, y] =
          curve === 'ROC'
            ? [tf.div(fp, tf.add(tf.add(fp, tn), EPS)), rec]
            : [rec, tf.div(tf.add(tp, EPS), tf.add(tf.add(tp, fp), EPS))];
        return tf.stack([x, y], 1) as tf.Tensor2D;
      },
    },
    options,
  );
}
