// sparseCategoricalAccuracy: integer labels against argmax of predictions.
import * as tf from '@tensorflow/tfjs-core';
import { prepareWeights, sameShape, toClassIds, toFloat, toTensor } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import { meanOf } from '../core/weighted-mean.js';
import { accuracyMismatch } from './resolve-accuracy.js';

/**
 * How often the integer label equals argmax(predictions): ids [B] (or [B, 1]) vs scores
 * [B, C]. One-hot labels are refused with an `AccuracyMismatchError` naming
 * `categoricalAccuracy`; an id outside [0, C) makes the next `result()` throw, naming the id
 * and its update call.
 *
 * @example
 * const acc = sparseCategoricalAccuracy();
 * acc.update(logits, labels);   // [B, 10] scores, [B] int labels
 * await acc.resultNumber();
 */
export function sparseCategoricalAccuracy(options: MetricOptions = {}): Metric {
  const fn = 'sparseCategoricalAccuracy.update';
  return new StreamingMetric(
    meanOf<PredictionArgs>({
      kind: 'sparseCategoricalAccuracy',
      config: {},
      classIds: {
        what: 'labels',
        fix: 'Fix the labels (ids start at 0) or the number of prediction columns',
      },
      perElement: (predictions, labels, weights) => {
        const p = toFloat(fn, 'predictions', predictions);
        let l = toTensor(fn, 'labels', labels);
        const shapes = [l.shape, p.shape] as const;
        if (l.rank === p.rank && l.shape[l.rank - 1] === 1) l = tf.squeeze(l, [l.rank - 1]);
        const numClasses = p.shape[p.rank - 1] ?? 0;
        const fits = p.rank >= 2 && numClasses > 1 && sameShape(l.shape, p.shape.slice(0, -1));
        if (!fits) {
          throw accuracyMismatch(
            fn,
            'integer labels [batch] (or [batch, 1]) with scores [batch, numClasses]',
            ...shapes,
          );
        }
        const ids = toClassIds(l);
        return {
          values: tf.equal(ids, tf.argMax(p, -1)),
          weights: prepareWeights(fn, weights, ids.shape),
          ids: { ids, numClasses },
        };
      },
    }),
    options,
  );
}
