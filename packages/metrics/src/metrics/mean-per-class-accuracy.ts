// meanPerClassAccuracy: TF's mean_per_class_accuracy.
import * as tf from '@tensorflow/tfjs-core';
import { positiveInt } from '../core/inputs.js';
import { StreamingMetric } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import {
  classIdCheck,
  classIdPairs,
  countValid,
  type NumClassesOptions,
} from './confusion-matrix.js';

/**
 * Mean over the C classes of the per-class accuracy (TF `mean_per_class_accuracy`, slim
 * `streaming_mean_per_class_accuracy`): per class, the weight of elements of that label
 * predicted right over the weight of elements of that label; a class never seen counts as 0
 * in the mean, as in TF. Inputs are class ids of any (equal) shape, flattened.
 *
 * @example
 * const m = meanPerClassAccuracy({ numClasses: 3 });
 * m.update(tf.tensor1d([0, 1, 1, 2], 'int32'), tf.tensor1d([0, 1, 2, 2], 'int32'));
 * await m.resultNumber(); // (1 + 1 + 0.5) / 3
 */
export function meanPerClassAccuracy(options: NumClassesOptions): Metric {
  const kind = 'meanPerClassAccuracy';
  const fn = `${kind}.update`;
  const numClasses = positiveInt(kind, 'numClasses', options?.numClasses);
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'total' | 'correct' | 'invalid'>(
    {
      kind,
      config: { numClasses },
      states: {
        total: { shape: [numClasses], reduce: 'sum' },
        correct: { shape: [numClasses], reduce: 'sum' },
        invalid: { shape: [], reduce: 'sum', check: classIdCheck(numClasses) },
      },
      batch: (predictions, labels, weights) => {
        const {
          pid,
          lid,
          weights: w,
          valid,
        } = classIdPairs(fn, numClasses, predictions, labels, weights);
        const ones = w ?? tf.ones(lid.shape);
        const hits = tf.mul(ones, tf.cast(tf.equal(pid, lid), 'float32'));
        return {
          total: countValid(lid, valid, ones, numClasses),
          correct: countValid(lid, valid, hits, numClasses),
          invalid: tf.sum(tf.cast(tf.logicalNot(valid), 'float32')),
        };
      },
      compute: (s) => tf.mean(tf.divNoNan(s.correct, tf.maximum(s.total, 0))) as tf.Scalar,
    },
    options,
  );
}
