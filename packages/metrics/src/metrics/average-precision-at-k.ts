// averagePrecisionAtK: TF's average_precision_at_k.
import * as tf from '@tensorflow/tfjs-core';
import { idsInRange, positiveInt, prepareWeights } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import { scoresAtK } from './sparse-at-k.js';

export interface AveragePrecisionAtKOptions extends MetricOptions {
  /** How many top-scored classes are ranked per row. Required. */
  k: number;
}

/**
 * Mean average precision@k against sparse labels (TF `average_precision_at_k`): per row,
 * AP@k = sum over ranks i <= k of precision@i where the i-th ranked class is a label, divided
 * by min(k, number of label ids in [0, C)); the rows' weighted mean (0 before any weight).
 * Labels are ids [B] or [B, L]; ids outside [0, C) never match (TF maps ids >= C to -1) and
 * are not counted. As in TF, a row with no label id in [0, C) gives 0/0 = NaN, which stays.
 *
 * @example
 * const map3 = averagePrecisionAtK({ k: 3 });
 * map3.update(scores, labels);   // [B, C] scores, [B, L] label ids
 * await map3.resultNumber();
 */
export function averagePrecisionAtK(options: AveragePrecisionAtKOptions): Metric {
  return averagePrecision('averagePrecisionAtK', options);
}

/**
 * TF's `sparse_average_precision_at_k` (deprecated there in favour of
 * `average_precision_at_k`): the same numbers as `averagePrecisionAtK`.
 *
 * @example
 * const map5 = sparseAveragePrecisionAtK({ k: 5 });
 * map5.update(scores, labels);
 */
export function sparseAveragePrecisionAtK(options: AveragePrecisionAtKOptions): Metric {
  return averagePrecision('sparseAveragePrecisionAtK', options);
}

function averagePrecision(kind: string, options: AveragePrecisionAtKOptions): Metric {
  const fn = `${kind}.update`;
  const k = positiveInt(kind, 'k', options?.k);
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'total' | 'count'>(
    {
      kind,
      config: { k },
      states: { total: { shape: [], reduce: 'sum' }, count: { shape: [], reduce: 'sum' } },
      batch: (predictions, labels, weights) => {
        const { p, l } = scoresAtK(fn, k, predictions, labels);
        const top = tf.topk(p, k).indices; // [..., k]
        // relevant[..., i]: the i-th ranked class is one of the row's labels.
        const relevant = tf.cast(
          tf.any(tf.equal(tf.expandDims(top, -1), tf.expandDims(l, -2)), -1),
          'float32',
        );
        const ranks = tf.range(1, k + 1, 1, 'float32');
        const precisionAt = tf.div(tf.cumsum(relevant, relevant.rank - 1), ranks);
        const sum = tf.sum(tf.mul(precisionAt, relevant), -1);
        const labelled = tf.sum(tf.cast(idsInRange(l, p.shape[p.rank - 1] ?? 0), 'float32'), -1);
        const ap = tf.div(sum, tf.minimum(labelled, k));
        const w = prepareWeights(fn, weights, ap.shape);
        return {
          total: tf.sum(w === null ? ap : tf.mul(ap, w)),
          count: w === null ? tf.scalar(ap.size) : tf.sum(w),
        };
      },
      compute: (s) =>
        tf.where(tf.greater(s.count, 0), tf.div(s.total, s.count), tf.scalar(0)) as tf.Scalar,
    },
    options,
  );
}
