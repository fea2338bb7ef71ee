// cohenKappa: TF-Slim's cohen_kappa.
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError } from '../core/errors.js';
import { positiveInt } from '../core/inputs.js';
import type { Metric } from '../core/types.js';
import { fromConfusionMatrix, type NumClassesOptions } from './confusion-matrix.js';

/**
 * Cohen's kappa of predicted and true class ids (TF-Slim / `tf.contrib.metrics` `cohen_kappa`)
 * from the running weighted confusion matrix: with po the weight on the diagonal, N the total
 * weight and pe = sum over classes of rowSum * colSum / N, kappa = (po - pe) / (N - pe), 0 when
 * N - pe is 0. Symmetric in predictions and labels; inputs are ids of any (equal) shape.
 *
 * @example
 * const k = cohenKappa({ numClasses: 3 });
 * k.update(tf.tensor1d([0, 1, 2, 2], 'int32'), tf.tensor1d([0, 1, 1, 2], 'int32'));
 * await k.resultNumber(); // 0.6363636
 */
export function cohenKappa(options: NumClassesOptions): Metric {
  const kind = 'cohenKappa';
  const numClasses = positiveInt(kind, 'numClasses', options?.numClasses);
  if (numClasses < 2) {
    throw new MetricInputError(
      `${kind}: expected numClasses >= 2, got ${numClasses}. Kappa needs at least two classes.`,
    );
  }
  return fromConfusionMatrix(kind, numClasses, options, (matrix) => {
    const po = tf.sum(tf.mul(matrix, tf.eye(numClasses)));
    const rows = tf.sum(matrix, 1);
    const cols = tf.sum(matrix, 0);
    const total = tf.sum(rows);
    const pe = tf.sum(tf.divNoNan(tf.mul(rows, cols), total));
    const den = tf.sub(total, pe);
    return tf.where(tf.equal(den, 0), tf.scalar(0), tf.div(tf.sub(po, pe), den)) as tf.Scalar;
  });
}
