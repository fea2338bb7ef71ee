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
  const cells = numClasses * numClasses;
  // Out-of-range pairs go to an extra bucket that is sliced off.
  const index = tf.where(
    valid,
    tf.add(tf.mul(lid, tf.scalar(numClasses, 'int32')), pid),
    tf.fill(pid.shape, cells, 'int32'),
  );
  const counts = tf.bincount(index as tf.Tensor1D, w ?? tf.tensor1d([]), cells + 1);
  return {
    matrix: tf.reshape(tf.slice(counts, [0], [cells]), [numClasses, numClasses]),
    invalid: tf.sum(tf.cast(tf.logicalNot(valid), 'float32')),
  };
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
  return new StreamingMetric<tf.Rank.R2, PredictionArgs, 'matrix' | 'invalid'>(
    {
      kind,
      config: { numClasses },
      states: {
        matrix: { shape: [numClasses, numClasses], reduce: 'sum' },
        invalid: { shape: [], reduce: 'sum', check: classIdCheck(numClasses) },
      },
      batch: (predictions, labels, weights) =>
        confusionBatch(`${kind}.update`, numClasses, predictions, labels, weights),
      compute: (s) => s.matrix as tf.Tensor2D,
    },
    options,
  );
}
