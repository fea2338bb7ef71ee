// topKAccuracy and recallAtK: TF's in_top_k.
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError } from '../core/errors.js';
import {
  idsInRange,
  positiveInt,
  prepareWeights,
  shapeStr,
  toClassIds,
  toFloat,
  toTensor,
} from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import { meanOf } from '../core/weighted-mean.js';

export interface TopKOptions extends MetricOptions {
  /** How many of the highest scores count. Default 5. */
  k?: number;
}

/**
 * How often the label is among the k highest-scored classes: TF `in_top_k` (ties at the
 * boundary count as in; a row with a non-finite score counts as a miss), averaged with weights.
 * Labels are ids [B] (or [B, 1]); scores [B, C]. An id outside [0, C) makes the next
 * `result()` throw, naming the id and its update call (TF counts it as a miss).
 *
 * @example
 * const top5 = topKAccuracy({ k: 5 });
 * top5.update(logits, labels);
 * await top5.resultNumber();
 */
export function topKAccuracy(options: TopKOptions = {}): Metric {
  return inTopK('topKAccuracy', options);
}

/**
 * TF-Slim `streaming_recall_at_k(predictions, labels, k)`: the running mean of `in_top_k`,
 * the same number as `topKAccuracy`. For multi-label recall@k see `sparseRecallAtK`.
 *
 * @example
 * const r = recallAtK({ k: 5 });
 * r.update(logits, labels);
 */
export function recallAtK(options: TopKOptions = {}): Metric {
  return inTopK('recallAtK', options);
}

function inTopK(kind: string, options: TopKOptions): Metric {
  const fn = `${kind}.update`;
  const k = positiveInt(kind, 'k', options.k ?? 5);
  return new StreamingMetric(
    meanOf<PredictionArgs>({
      kind,
      config: { k },
      classIds: {
        what: 'labels',
        fix: 'Fix the labels (ids start at 0) or the number of prediction columns',
      },
      perElement: (predictions, labels, weights) => {
        const p = toFloat(fn, 'predictions', predictions);
        let l = toTensor(fn, 'labels', labels);
        const original = l.shape;
        if (l.rank === 2 && l.shape[1] === 1) l = tf.squeeze(l, [1]);
        if (p.rank !== 2 || l.rank !== 1 || l.shape[0] !== p.shape[0]) {
          const oneHot = l.rank === 2 && l.shape[1] === p.shape[1];
          throw new MetricInputError(
            `${fn}: expected scores [batch, numClasses] and integer labels [batch], got predictions ${shapeStr(p.shape)} and labels ${shapeStr(original)}. ${oneHot ? 'For one-hot labels pass tf.argMax(labels, -1)' : 'Reshape the inputs'}.`,
          );
        }
        const numClasses = p.shape[1] as number;
        const ids = toClassIds(l);
        const valid = idsInRange(ids, numClasses);
        const isTarget = tf.equal(
          tf.expandDims(ids, 1),
          tf.expandDims(tf.range(0, numClasses, 1, 'int32'), 0),
        );
        const target = tf.sum(tf.where(isTarget, p, tf.zerosLike(p)), 1, true);
        const higher = tf.sum(tf.cast(tf.greater(p, target), 'int32'), 1);
        const finite = tf.all(tf.isFinite(p), 1);
        const hit = tf.logicalAnd(
          tf.logicalAnd(valid, finite),
          tf.less(higher, tf.scalar(k, 'int32')),
        );
        return {
          values: hit,
          weights: prepareWeights(fn, weights, ids.shape),
          ids: { ids, numClasses },
        };
      },
    }),
    options,
  );
}
