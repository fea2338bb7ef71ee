// sparseSoftmaxCrossEntropy: slim's sparse_softmax_cross_entropy.
import * as tf from '@tensorflow/tfjs-core';
import { LossInputError, formatShape } from '../errors.js';
import { finishLoss } from '../finish.js';
import { checkTensor } from '../inputs.js';
import type { LossOptions, LossResult } from '../options.js';
import { Reduction } from '../reduction.js';
import { softmaxCrossEntropyCore } from './cross-entropy-core.js';
import { checkLogits } from './softmax-cross-entropy.js';

/** Options of {@link sparseSoftmaxCrossEntropy}. */
export interface SparseCrossEntropyOptions extends LossOptions {
  /**
   * Check on the host that every class id is in [0, C) (default true). tfjs's one-hot
   * silently turns an out-of-range id into a loss of 0; TF raises. The check reads the labels
   * with `dataSync()`, negligible on cpu and wasm; pass false on GPU backends to avoid a sync.
   */
  validateLabels?: boolean;
}

const SPEC = {
  fn: 'sparseSoftmaxCrossEntropy',
  scope: 'sparse_softmax_cross_entropy_loss',
  reduction: Reduction.SUM_BY_NONZERO_WEIGHTS,
} as const;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Weighted softmax cross entropy of `logits` [B, C] (or [B, ..., C]) against int32 class ids
 * [B] (or [B,1]; slim reshapes them to [B]) (slim's `sparse_softmax_cross_entropy`). Equal to
 * {@link softmaxCrossEntropy} with `tf.oneHot(labels, C)`. Weights per example: scalar, [B] or
 * [B,1]. Default reduction `SUM_BY_NONZERO_WEIGHTS`; registered as
 * `'sparse_softmax_cross_entropy_loss'`.
 *
 * @example
 * const loss = sparseSoftmaxCrossEntropy(logits, tf.tensor1d([3, 0, 9], 'int32'));
 */
export function sparseSoftmaxCrossEntropy<
  O extends SparseCrossEntropyOptions = SparseCrossEntropyOptions,
>(logits: tf.Tensor, labels: tf.Tensor, options?: O): LossResult<O> {
  const opts: SparseCrossEntropyOptions = options ?? {};
  return finishLoss(SPEC, opts, () => {
    const x = checkLogits(SPEC.fn, logits);
    const ids = checkTensor(SPEC.fn, 'labels', labels);
    const classes = x.shape[x.rank - 1] ?? 1;
    const batchShape = x.shape.slice(0, -1);
    if (classes !== 1 && sameShape(ids.shape, x.shape)) {
      throw new LossInputError(
        SPEC.fn,
        `int32 class ids of shape ${formatShape(batchShape)}`,
        `labels of shape ${formatShape(ids.shape)} (dtype ${ids.dtype}), the shape of the logits`,
        'These look one-hot: use softmaxCrossEntropy for one-hot or probability labels.',
      );
    }
    if (ids.dtype !== 'int32') {
      throw new LossInputError(
        SPEC.fn,
        'labels of dtype int32 (class ids)',
        `dtype ${ids.dtype}`,
        "Cast class ids with tf.cast(labels, 'int32'); for one-hot or probability labels use softmaxCrossEntropy.",
      );
    }
    if (!sameShape(ids.shape, batchShape) && !sameShape(ids.shape, [...batchShape, 1])) {
      throw new LossInputError(
        SPEC.fn,
        `labels of shape ${formatShape(batchShape)} or ${formatShape([...batchShape, 1])} for logits ${formatShape(x.shape)}`,
        `labels of shape ${formatShape(ids.shape)}`,
        'Pass one class id per example (logits are [batch, ..., classes], classes last).',
      );
    }
    if (opts.validateLabels !== false) {
      const values = ids.dataSync();
      for (let i = 0; i < values.length; i++) {
        const v = values[i] ?? 0;
        if (v < 0 || v >= classes) {
          throw new LossInputError(
            SPEC.fn,
            `class ids in [0, ${classes - 1}] for ${classes} logits per example`,
            `${v} at flat index ${i}`,
            "Check the dataset's label range against the model's number of classes.",
          );
        }
      }
    }
    const flat = ids.rank === batchShape.length ? ids : tf.reshape(ids, batchShape);
    // int32 one-hot then a cast: tfjs-backend-wasm 4.22's OneHot ignores a float32 dtype and
    // writes int32 bits into the float buffer.
    return softmaxCrossEntropyCore(x, tf.cast(tf.oneHot(flat, classes), 'float32'));
  }) as LossResult<O>;
}
