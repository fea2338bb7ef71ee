// confusionMatrix, and the class-id checks and pairs it shares with the per-class metrics.
import * as tf from '@tensorflow/tfjs-core';
import {
  alignPair,
  idsInRange,
  positiveInt,
  prepareWeights,
  toClassIds,
  toTensor,
} from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, MetricInput, PredictionArgs, StateSpec } from '../core/types.js';

export interface NumClassesOptions extends MetricOptions {
  /** Number of classes C; ids must be in [0, C). Required. */
  numClasses: number;
}

/** The range check on class ids (deferred: counted in update, thrown by resultNumber()). */
export function classIdCheck(numClasses: number): NonNullable<StateSpec['check']> {
  return {
    expected: `labels and predictions that are class ids in [0, ${numClasses})`,
    fix: 'Fix the ids (they start at 0) or raise numClasses',
  };
}

/**
 * One batch's prediction and label class ids, flattened, with their weights (null: all 1) and
 * which pairs have both ids in [0, C): the shared input of the class-count metrics.
 */
export function classIdPairs(
  fn: string,
  numClasses: number,
  predictions: MetricInput,
  labels: MetricInput,
  weights: MetricInput | undefined,
): { pid: tf.Tensor1D; lid: tf.Tensor1D; weights: tf.Tensor1D | null; valid: tf.Tensor1D } {
  const [p, l] = alignPair(
    fn,
    toTensor(fn, 'predictions', predictions),
    toTensor(fn, 'labels', labels),
  );
  const w = prepareWeights(fn, weights, l.shape);
  const pid = tf.reshape(toClassIds(p), [-1]) as tf.Tensor1D;
  const lid = tf.reshape(toClassIds(l), [-1]) as tf.Tensor1D;
  return {
    pid,
    lid,
    weights: w === null ? null : (tf.reshape(w, [-1]) as tf.Tensor1D),
    valid: tf.logicalAnd(idsInRange(pid, numClasses), idsInRange(lid, numClasses)),
  };
}

/**
 * One batch's weighted confusion matrix [C, C] (rows: labels, columns: predictions) and the
 * number of ids outside [0, C), which are left out of the matrix.
 */
export function confusionBatch(
  fn: string,
  numClasses: number,
  predictions: MetricInput,
  labels: MetricInput,
  weights: MetricInput | undefined,
): { matrix: tf.Tensor; invalid: tf.Tensor } {
  const {
    pid,
    lid,
    weights: w,
    valid,
  } = classIdPairs(fn, numClasses, predictions, labels, weights);
  const index = tf.add(tf.mul(lid, tf.scalar(numClasses, 'int32')), pid);
  return {
    matrix: tf.reshape(countValid(index, valid, w, numClasses ** 2), [numClasses, numClasses]),
    invalid: tf.sum(tf.cast(tf.logicalNot(valid), 'float32')),
  };
}

/**
 * Weighted counts (bincount) of `index` over [0, size), elements that are not `valid` left
 * out: they go to an extra bucket that is sliced off. Unweighted when `weights` is null.
 */
export function countValid(
  index: tf.Tensor,
  valid: tf.Tensor,
  weights: tf.Tensor | null,
  size: number,
): tf.Tensor1D {
  const bucket = tf.where(valid, index, tf.fill(index.shape, size, 'int32')) as tf.Tensor1D;
  const counts = tf.bincount(bucket, (weights ?? tf.tensor1d([])) as tf.Tensor1D, size + 1);
  return tf.slice(counts, [0], [size]);
}

/**
 * The running weighted confusion matrix [C, C]: entry [i, j] sums the weights of elements with
 * label i predicted j (TF `confusion_matrix`, as slim's mean IoU accumulates it). Inputs are
 * class ids of any (equal) shape, flattened.
 *
 * @example
 * const cm = confusionMatrix({ numClasses: 3 });
 * cm.update(tf.tensor1d([0, 2, 1], 'int32'), tf.tensor1d([0, 1, 1], 'int32'));
 * await cm.resultArray(); // [[1,0,0],[0,1,1],[0,0,0]]
 */
export function confusionMatrix(options: NumClassesOptions): Metric<tf.Rank.R2> {
  const kind = 'confusionMatrix';
  const numClasses = positiveInt(kind, 'numClasses', options?.numClasses);
  return fromConfusionMatrix(kind, numClasses, options, (matrix) => matrix as tf.Tensor2D);
}

/**
 * A metric whose state is the running weighted confusion matrix [C, C] (and the count of ids
 * outside [0, C)), and whose value `compute` derives from it: the matrix itself, mean IoU,
 * Cohen's kappa.
 */
export function fromConfusionMatrix<R extends tf.Rank>(
  kind: string,
  numClasses: number,
  options: MetricOptions,
  compute: (matrix: tf.Tensor) => tf.Tensor<R>,
): Metric<R> {
  return new StreamingMetric<R, PredictionArgs, 'matrix' | 'invalid'>(
    {
      kind,
      config: { numClasses },
      states: {
        matrix: { shape: [numClasses, numClasses], reduce: 'sum' },
        invalid: { shape: [], reduce: 'sum', check: classIdCheck(numClasses) },
      },
      batch: (predictions, labels, weights) =>
        confusionBatch(`${kind}.update`, numClasses, predictions, labels, weights),
      compute: ({ matrix }) => compute(matrix),
    },
    options,
  );
}
