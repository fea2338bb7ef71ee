// meanIou: TF-Slim's streaming_mean_iou.
import * as tf from '@tensorflow/tfjs-core';
import { positiveInt } from '../core/inputs.js';
import type { Metric } from '../core/types.js';
import { fromConfusionMatrix, type NumClassesOptions } from './confusion-matrix.js';

/**
 * Mean intersection-over-union from the running confusion matrix (TF-Slim
 * `streaming_mean_iou`): per class IoU = diag / (row + col - diag), averaged over the classes
 * that appear in labels or predictions (row + col - diag != 0); 0 when none does.
 * Ids outside [0, numClasses) make the result NaN and `resultNumber()` throw.
 *
 * @example
 * const miou = meanIou({ numClasses: 21 });
 * miou.update(tf.argMax(logits, -1), segmentationLabels);
 * await miou.resultNumber();
 */
export function meanIou(options: NumClassesOptions): Metric {
  const kind = 'meanIou';
  const numClasses = positiveInt(kind, 'numClasses', options?.numClasses);
  return fromConfusionMatrix(kind, numClasses, options, (matrix) => {
    const sumOverRow = tf.sum(matrix, 0);
    const sumOverCol = tf.sum(matrix, 1);
    const diag = tf.sum(tf.mul(matrix, tf.eye(numClasses)), 1);
    const denominator = tf.sub(tf.add(sumOverRow, sumOverCol), diag);
    const present = tf.sum(tf.cast(tf.notEqual(denominator, 0), 'float32'));
    const safe = tf.where(tf.greater(denominator, 0), denominator, tf.onesLike(denominator));
    const iou = tf.div(diag, safe);
    return tf.where(
      tf.greater(present, 0),
      tf.div(tf.sum(iou), tf.maximum(present, 1)),
      tf.scalar(0),
    ) as tf.Scalar;
  });
}
