// binaryAccuracy: Keras' binary_accuracy.
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError } from '../core/errors.js';
import { prepareWeights, sameShape, toFloat } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import { meanOf } from '../core/weighted-mean.js';
import { accuracyMismatch } from './resolve-accuracy.js';

export interface BinaryAccuracyOptions extends MetricOptions {
  /** A prediction counts as 1 when it is greater than this. Default 0.5. */
  threshold?: number;
}

/**
 * How often `prediction > threshold` equals the 0/1 label, element-wise (Keras
 * `binary_accuracy`; labels other than 0 and 1 never match). Works for one score per
 * example ([B] or [B, 1]) and for multi-label rows ([B, C] with [B, C] labels).
 *
 * @example
 * const acc = binaryAccuracy({ threshold: 0.5 });
 * acc.update(tf.sigmoid(logits), labels01);
 * await acc.resultNumber();
 */
export function binaryAccuracy(options: BinaryAccuracyOptions = {}): Metric {
  const fn = 'binaryAccuracy.update';
  const threshold = options.threshold ?? 0.5;
  if (!Number.isFinite(threshold)) {
    throw new MetricInputError(
      `binaryAccuracy: expected threshold as a finite number, got ${String(threshold)}. Pass e.g. { threshold: 0.5 }.`,
    );
  }
  return new StreamingMetric(
    meanOf<PredictionArgs>({
      kind: 'binaryAccuracy',
      config: { threshold },
      perElement: (predictions, labels, weights) => {
        let p = toFloat(fn, 'predictions', predictions);
        let l = toFloat(fn, 'labels', labels);
        const shapes = [l.shape, p.shape] as const;
        if (p.rank === l.rank + 1 && p.shape[p.rank - 1] === 1) p = tf.squeeze(p, [p.rank - 1]);
        else if (l.rank === p.rank + 1 && l.shape[l.rank - 1] === 1)
          l = tf.squeeze(l, [l.rank - 1]);
        if (!sameShape(p.shape, l.shape)) {
          throw accuracyMismatch(fn, "0/1 labels with the predictions' shape", ...shapes);
        }
        const predicted = tf.cast(tf.greater(p, tf.scalar(threshold)), 'float32');
        return { values: tf.equal(l, predicted), weights: prepareWeights(fn, weights, l.shape) };
      },
    }),
    options,
  );
}
