// sparsePrecisionAtK and sparseRecallAtK: TF's precision_at_k and recall_at_k on label sets.
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError } from '../core/errors.js';
import {
  positiveInt,
  prepareWeights,
  sameShape,
  shapeStr,
  toClassIds,
  toFloat,
  toTensor,
} from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, MetricInput, PredictionArgs } from '../core/types.js';

export interface SparseAtKOptions extends MetricOptions {
  /** How many top-scored classes are retrieved per row. Required. */
  k: number;
  /** Measure only this class (TF's `class_id`): binary precision/recall of it. */
  classId?: number;
}

/**
 * Per row of the batch: the label set S (distinct ids of the row, TF's dense set semantics:
 * every value counts, -1 padding included), the top-k set T, and the weighted sums over rows
 * of |T ∩ S|, |T - S| and |S - T| (restricted to `classId` when given).
 */
function topKSets(
  fn: string,
  k: number,
  classId: number | undefined,
  predictions: MetricInput,
  labels: MetricInput,
  weights: MetricInput | undefined,
): { tp: tf.Tensor; fp: tf.Tensor; fn: tf.Tensor } {
  const { p, l } = scoresAtK(fn, k, predictions, labels);
  const top = tf.topk(p, k).indices; // [..., k], distinct ids
  return setCounts(top, l, prepareWeights(fn, weights, p.shape.slice(0, -1)), classId);
}

/** Scores [..., C] with k <= C, and their labels (`labelsFor`): the inputs of the @k metrics. */
export function scoresAtK(
  fn: string,
  k: number,
  predictions: MetricInput,
  labels: MetricInput,
): { p: tf.Tensor; l: tf.Tensor } {
  const p = toFloat(fn, 'predictions', predictions);
  const l = labelsFor(fn, 'scores', p, labels);
  const numClasses = p.shape[p.rank - 1] ?? 0;
  if (k > numClasses) {
    throw new MetricInputError(
      `${fn}: expected k <= numClasses (${numClasses}, the predictions' last dimension), got k = ${k}. Lower k.`,
    );
  }
  return { p, l };
}

/**
 * Labels as int32 ids [..., L] beside predictions [..., C] (or top-k ids [..., k]): ids [...]
 * get a trailing 1; the leading dimensions must match.
 */
export function labelsFor(
  fn: string,
  what: 'scores' | 'ids',
  p: tf.Tensor,
  labels: MetricInput,
): tf.Tensor {
  let l = toClassIds(toTensor(fn, 'labels', labels));
  if (l.rank === p.rank - 1) l = tf.expandDims(l, -1);
  if (p.rank < 2 || l.rank !== p.rank || !sameShape(l.shape.slice(0, -1), p.shape.slice(0, -1))) {
    const pred = what === 'scores' ? 'scores [..., numClasses]' : 'top-k class ids [..., k]';
    throw new MetricInputError(
      `${fn}: expected ${pred} with labels [...] or [..., numLabels] sharing the leading dimensions, got predictions ${shapeStr(p.shape)} and labels ${shapeStr(l.shape)}. Reshape the inputs.`,
    );
  }
  return l;
}

/** 1 where `x[..., j]` differs from every earlier entry of its row, else 0 (float32). */
export function firstOccurrence(x: tf.Tensor): tf.Tensor {
  const L = x.shape[x.rank - 1] as number;
  const same = tf.equal(tf.expandDims(x, -1), tf.expandDims(x, -2)); // [..., L, L]
  const earlier: boolean[][] = [];
  for (let i = 0; i < L; i++) earlier.push(Array.from({ length: L }, (_, j) => i < j));
  const dup = tf.any(tf.logicalAnd(same, tf.tensor2d(earlier, [L, L], 'bool')), -2);
  return tf.cast(tf.logicalNot(dup), 'float32');
}

/**
 * Weighted sums over rows of |T ∩ S|, |T - S| and |S - T| for top-k ids T [..., k] and label
 * ids S [..., L], both with set semantics (duplicates count once).
 */
export function setCounts(
  top: tf.Tensor,
  l: tf.Tensor,
  w: tf.Tensor | null,
  classId: number | undefined,
): { tp: tf.Tensor; fp: tf.Tensor; fn: tf.Tensor } {
  let tp: tf.Tensor;
  let fp: tf.Tensor;
  let fn_: tf.Tensor;
  if (classId !== undefined) {
    const id = tf.scalar(classId, 'int32');
    const inS = tf.any(tf.equal(l, id), -1);
    const inT = tf.any(tf.equal(top, id), -1);
    tp = tf.logicalAnd(inS, inT);
    fp = tf.logicalAnd(inT, tf.logicalNot(inS));
    fn_ = tf.logicalAnd(inS, tf.logicalNot(inT));
  } else {
    const first = firstOccurrence(l);
    const hit = tf.cast(
      tf.any(tf.equal(tf.expandDims(l, -1), tf.expandDims(top, -2)), -1),
      'float32',
    );
    tp = tf.sum(tf.mul(first, hit), -1);
    fp = tf.sub(tf.sum(firstOccurrence(top), -1), tp);
    fn_ = tf.sub(tf.sum(first, -1), tp);
  }
  const total = (x: tf.Tensor) => {
    const f = tf.cast(x, 'float32');
    return tf.sum(w === null ? f : tf.mul(f, w));
  };
  return { tp: total(tp), fp: total(fp), fn: total(fn_) };
}

export function atKOptions(
  kind: string,
  options: SparseAtKOptions,
): { k: number; classId: number | undefined } {
  const k = positiveInt(kind, 'k', options?.k);
  const classId = options.classId;
  if (classId !== undefined && !Number.isInteger(classId)) {
    throw new MetricInputError(
      `${kind}: expected classId as an integer class id, got ${String(classId)}. Pass e.g. { classId: 3 }.`,
    );
  }
  return { k, classId };
}

/**
 * Precision@k against sparse (multi-)labels, TF's `sparse_precision_at_k`: tp / (tp + fp) with
 * tp = |top-k ∩ labels| and fp = |top-k - labels| summed over rows. Labels are ids [B] or
 * [B, L]; ids outside [0, C) are ignored. As in TF the value is NaN while tp + fp = 0 (no
 * update yet, or `classId` never in the top k).
 *
 * @example
 * const p5 = sparsePrecisionAtK({ k: 5 });
 * p5.update(scores, labels);   // [B, C] scores, [B, L] label ids
 * await p5.resultNumber();
 */
export function sparsePrecisionAtK(options: SparseAtKOptions): Metric {
  const kind = 'sparsePrecisionAtK';
  const { k, classId } = atKOptions(kind, options);
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'tp' | 'fp'>(
    {
      kind,
      config: { k, classId: classId ?? null },
      states: { tp: { shape: [], reduce: 'sum' }, fp: { shape: [], reduce: 'sum' } },
      batch: (predictions, labels, weights) => {
        const s = topKSets(`${kind}.update`, k, classId, predictions, labels, weights);
        return { tp: s.tp, fp: s.fp };
      },
      compute: (s) => tf.div(s.tp, tf.add(s.tp, s.fp)) as tf.Scalar,
    },
    options,
  );
}

/**
 * Recall@k against sparse (multi-)labels, TF's `recall_at_k`: tp / (tp + fn) with
 * fn = |labels - top-k|. Label ids outside [0, C) always count as misses (TF's rule, so -1
 * padding lowers recall). NaN while tp + fn = 0.
 *
 * @example
 * const r5 = sparseRecallAtK({ k: 5 });
 * r5.update(scores, labels);
 * await r5.resultNumber();
 */
export function sparseRecallAtK(options: SparseAtKOptions): Metric {
  const kind = 'sparseRecallAtK';
  const { k, classId } = atKOptions(kind, options);
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'tp' | 'fn'>(
    {
      kind,
      config: { k, classId: classId ?? null },
      states: { tp: { shape: [], reduce: 'sum' }, fn: { shape: [], reduce: 'sum' } },
      batch: (predictions, labels, weights) => {
        const s = topKSets(`${kind}.update`, k, classId, predictions, labels, weights);
        return { tp: s.tp, fn: s.fn };
      },
      compute: (s) => tf.div(s.tp, tf.add(s.tp, s.fn)) as tf.Scalar,
    },
    options,
  );
}
