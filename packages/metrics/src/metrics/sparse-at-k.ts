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
  const p = toFloat(fn, 'predictions', predictions);
  let l = toClassIds(toTensor(fn, 'labels', labels));
  const lead = p.shape.slice(0, -1);
  const numClasses = p.shape[p.rank - 1] ?? 0;
  if (l.rank === p.rank - 1) l = tf.expandDims(l, -1);
  if (p.rank < 2 || l.rank !== p.rank || !sameShape(l.shape.slice(0, -1), lead)) {
    throw new MetricInputError(
      `${fn}: expected scores [..., numClasses] with labels [...] or [..., numLabels] sharing the leading dimensions, got predictions ${shapeStr(p.shape)} and labels ${shapeStr(l.shape)}. Reshape the inputs.`,
    );
  }
  if (k > numClasses) {
    throw new MetricInputError(
      `${fn}: expected k <= numClasses (${numClasses}, the predictions' last dimension), got k = ${k}. Lower k.`,
    );
  }
  const top = tf.topk(p, k).indices; // [..., k], distinct ids
  const w = prepareWeights(fn, weights, lead);
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
    const L = l.shape[l.rank - 1] as number;
    // first[j]: labels[j] differs from every earlier label of its row (set semantics).
    const same = tf.equal(tf.expandDims(l, -1), tf.expandDims(l, -2)); // [..., L, L]
    const earlier: boolean[][] = [];
    for (let i = 0; i < L; i++) earlier.push(Array.from({ length: L }, (_, j) => i < j));
    const dup = tf.any(tf.logicalAnd(same, tf.tensor2d(earlier, [L, L], 'bool')), -2);
    const first = tf.cast(tf.logicalNot(dup), 'float32');
    const hit = tf.cast(
      tf.any(tf.equal(tf.expandDims(l, -1), tf.expandDims(top, -2)), -1),
      'float32',
    );
    tp = tf.sum(tf.mul(first, hit), -1);
    const setSize = tf.sum(first, -1);
    fp = tf.sub(k, tp);
    fn_ = tf.sub(setSize, tp);
  }
  const total = (x: tf.Tensor) => {
    const f = tf.cast(x, 'float32');
    return tf.sum(w === null ? f : tf.mul(f, w));
  };
  return { tp: total(tp), fp: total(fp), fn: total(fn_) };
}

function options_(
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
  const { k, classId } = options_(kind, options);
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
  const { k, classId } = options_(kind, options);
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
