// accuracy: slim's streaming_accuracy.
import * as tf from '@tensorflow/tfjs-core';
import { prepareWeights, sameShape, toBool, toTensor } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import { meanOf } from '../core/weighted-mean.js';
import { accuracyMismatch } from './resolve-accuracy.js';

/**
 * How often predictions equal labels, element-wise: both are class ids (or any values).
 * TF-Slim `streaming_accuracy`: predictions are cast to the labels' dtype, then compared.
 * Per-class scores with id labels are refused, naming `sparseCategoricalAccuracy`.
 *
 * @example
 * const acc = accuracy();
 * acc.update(tf.argMax(logits, -1), labels);  // ids [B] vs ids [B]
 * await acc.resultNumber();
 */
export function accuracy(options: MetricOptions = {}): Metric {
  const fn = 'accuracy.update';
  return new StreamingMetric(
    meanOf<PredictionArgs>({
      kind: 'accuracy',
      config: {},
      perElement: (predictions, labels, weights) => {
        let p = toTensor(fn, 'predictions', predictions);
        let l = toTensor(fn, 'labels', labels);
        const shapes = [l.shape, p.shape] as const;
        if (p.rank === l.rank + 1 && p.shape[p.rank - 1] === 1) p = tf.squeeze(p, [p.rank - 1]);
        else if (l.rank === p.rank + 1 && l.shape[l.rank - 1] === 1)
          l = tf.squeeze(l, [l.rank - 1]);
        if (!sameShape(p.shape, l.shape)) {
          throw accuracyMismatch(
            fn,
            'class ids of one shape for labels and predictions',
            ...shapes,
          );
        }
        if (p.dtype !== l.dtype) p = l.dtype === 'bool' ? toBool(p) : tf.cast(p, l.dtype);
        return { values: tf.equal(p, l), weights: prepareWeights(fn, weights, l.shape) };
      },
    }),
    options,
  );
}
