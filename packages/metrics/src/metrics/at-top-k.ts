// precisionAtTopK and recallAtTopK: TF's precision_at_top_k and recall_at_top_k.
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError } from '../core/errors.js';
import { positiveInt, prepareWeights, shapeStr, toClassIds, toTensor } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, MetricInput, PredictionArgs } from '../core/types.js';
import { labelsFor, setCounts } from './sparse-at-k.js';

export interface AtTopKOptions extends MetricOptions {
  /** The number of ids per row in the predictions; checked against their last dimension. */
  k?: number;
  /** Measure only this class (TF's `class_id`): binary precision/recall of it. */
  classId?: number;
}

function parse(kind: string, options: AtTopKOptions): { k: number | null; classId: number | null } {
  const k = options.k === undefined ? null : positiveInt(kind, 'k', options.k);
  const classId = options.classId ?? null;
  if (classId !== null && !Number.isInteger(classId)) {
    throw new MetricInputError(
      `${kind}: expected classId as an integer class id, got ${String(classId)}. Pass e.g. { classId: 3 }.`,
    );
  }
  return { k, classId };
}

function counts(
  fn: string,
  k: number | null,
  classId: number | null,
  predictionsIdx: MetricInput,
  labels: MetricInput,
  weights: MetricInput | undefined,
): { tp: tf.Tensor; fp: tf.Tensor; fn: tf.Tensor } {
  const top = toClassIds(toTensor(fn, 'predictions', predictionsIdx));
  const l = labelsFor(fn, 'ids', top, labels);
  if (k !== null && top.shape[top.rank - 1] !== k) {
    throw new MetricInputError(
      `${fn}: expected top-k ids with k = ${k} in the last dimension, got predictions ${shapeStr(top.shape)}. Pass tf.topk(scores, ${k}).indices.`,
    );
  }
  const w = prepareWeights(fn, weights, top.shape.slice(0, -1));
  return setCounts(top, l, w, classId ?? undefined);
}

/**
 * Precision of given top-k class ids against sparse labels (TF `precision_at_top_k`, slim
 * `streaming_sparse_precision_at_top_k`): `update(topKIds [..., k], labels [...] or
 * [..., L], weights?)`; tp = |ids ∩ labels|, fp = |ids - labels| per row (sets: repeated ids
 * count once), summed with weights; tp / (tp + fp), NaN while that is 0/0 (TF's).
 *
 * @example
 * const p = precisionAtTopK({ k: 2 });
 * p.update(tf.tensor2d([[2, 0], [1, 3]], undefined, 'int32'), tf.tensor1d([2, 0], 'int32'));
 * await p.resultNumber(); // 0.25
 */
export function precisionAtTopK(options: AtTopKOptions = {}): Metric {
  const kind = 'precisionAtTopK';
  const { k, classId } = parse(kind, options);
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'tp' | 'fp'>(
    {
      kind,
      config: { k, classId },
      states: { tp: { shape: [], reduce: 'sum' }, fp: { shape: [], reduce: 'sum' } },
      batch: (predictions, labels, weights) => {
        const c = counts(`${kind}.update`, k, classId, predictions, labels, weights);
        return { tp: c.tp, fp: c.fp };
      },
      compute: (s) => tf.div(s.tp, tf.add(s.tp, s.fp)) as tf.Scalar,
    },
    options,
  );
}

/**
 * Recall of given top-k class ids against sparse labels (TF `recall_at_top_k`, slim
 * `sparse_recall_at_top_k`): tp / (tp + fn) with fn = |labels - ids| per row, NaN while 0/0.
 *
 * @example
 * const r = recallAtTopK();
 * r.update(tf.tensor2d([[2, 0], [1, 3]], undefined, 'int32'), tf.tensor2d([[2, 4], [0, 0]], undefined, 'int32'));
 * await r.resultNumber(); // 1 / 3
 */
export function recallAtTopK(options: AtTopKOptions = {}): Metric {
  const kind = 'recallAtTopK';
  const { k, classId } = parse(kind, options);
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'tp' | 'fn'>(
    {
      kind,
      config: { k, classId },
      states: { tp: { shape: [], reduce: 'sum' }, fn: { shape: [], reduce: 'sum' } },
      batch: (predictions, labels, weights) => {
        const c = counts(`${kind}.update`, k, classId, predictions, labels, weights);
        return { tp: c.tp, fn: c.fn };
      },
      compute: (s) => tf.div(s.tp, tf.add(s.tp, s.fn)) as tf.Scalar,
    },
    options,
  );
}
