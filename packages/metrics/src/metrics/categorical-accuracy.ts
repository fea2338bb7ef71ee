// categoricalAccuracy: argmax of one-hot labels against argmax of predictions.
import * as tf from '@tensorflow/tfjs-core';
import { prepareWeights, sameShape, toFloat } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import { meanOf } from '../core/weighted-mean.js';
import { accuracyMismatch } from './resolve-accuracy.js';

/**
 * How often argmax(labels) equals argmax(predictions) per row: one-hot labels [B, C] vs
 * scores [B, C]. Integer labels [B] (or argmax'ed predictions [B]) are refused with an
 * `AccuracyMismatchError` naming the right metric, never silently mis-measured.
 *
 * @example
 * const acc = categoricalAccuracy();
 * acc.update(logits, oneHotLabels);          // [B, 10] and [B, 10]
 * acc.update(logits, intLabels);             // throws: use sparseCategoricalAccuracy()
 */
export function categoricalAccuracy(options: MetricOptions = {}): Metric {
  const fn = 'categoricalAccuracy.update';
  return new StreamingMetric(
    meanOf<PredictionArgs>({
      kind: 'categoricalAccuracy',
      config: {},
      perElement: (predictions, labels, weights) => {
        const p = toFloat(fn, 'predictions', predictions);
        const l = toFloat(fn, 'labels', labels);
        const fits = sameShape(p.shape, l.shape) && p.rank >= 2 && (p.shape[p.rank - 1] ?? 0) > 1;
        if (!fits) {
          throw accuracyMismatch(
            fn,
            "one-hot labels with the predictions' shape [batch, numClasses]",
            l.shape,
            p.shape,
          );
        }
        const correct = tf.equal(tf.argMax(l, -1), tf.argMax(p, -1));
        return { values: correct, weights: prepareWeights(fn, weights, correct.shape) };
      },
    }),
    options,
  );
}
