// Shared pieces of the metric-learning losses: argument checks and pairwise distances.
import * as tf from '@tensorflow/tfjs-core';
import { LossInputError, formatShape } from './errors.js';
import { checkNumberOption, checkTensor } from './inputs.js';

/**
 * Shared pieces of the metric-learning losses (TF-Slim's `metric_learning.py`): argument checks
 * and the pairwise distance matrix. Internal.
 */

/** Checks `[B, D]` float embeddings (int32 is cast) and returns them as float32. */
export function checkEmbeddings(fn: string, role: string, value: unknown): tf.Tensor2D {
  const t = checkTensor(fn, role, value);
  if (t.dtype !== 'float32' && t.dtype !== 'int32') {
    throw new LossInputError(
      fn,
      `${role} of dtype float32`,
      `dtype ${t.dtype}`,
      `Pass float embeddings (tf.cast(${role}, 'float32')).`,
    );
  }
  if (t.rank !== 2 || (t.shape[0] ?? 0) < 1) {
    throw new LossInputError(
      fn,
      `${role} of shape [batch, dims] with batch >= 1`,
      `${role} of shape ${formatShape(t.shape)}`,
      t.rank === 1
        ? `Add a batch axis with ${role}.expandDims(0), or a dims axis with ${role}.expandDims(1).`
        : `Flatten each example's embedding to one vector: ${role}.reshape([batch, -1]).`,
    );
  }
  return (t.dtype === 'float32' ? t : tf.cast(t, 'float32')) as tf.Tensor2D;
}

/**
 * Checks one label per example ([B] or [B, 1], `kind` 'class' for ids compared for equality,
 * 'binary' for 1 = similar / 0 = dissimilar) against a batch of `batch`, and returns a float32
 * column [B, 1].
 */
export function checkExampleLabels(
  fn: string,
  value: unknown,
  batch: number,
  kind: 'class' | 'binary',
): tf.Tensor2D {
  const t = checkTensor(fn, 'labels', value);
  const allowed = kind === 'class' ? ['int32', 'float32'] : ['int32', 'float32', 'bool'];
  if (!allowed.includes(t.dtype)) {
    throw new LossInputError(
      fn,
      `labels of dtype ${allowed.join(' or ')}`,
      `dtype ${t.dtype}`,
      kind === 'class'
        ? "Pass class ids as int32 (tf.cast(labels, 'int32'))."
        : 'Pass 1 for similar and 0 for dissimilar pairs as a numeric tensor.',
    );
  }
  const ok =
    (t.rank === 1 && t.shape[0] === batch) ||
    (t.rank === 2 && t.shape[0] === batch && t.shape[1] === 1);
  if (!ok) {
    throw new LossInputError(
      fn,
      `labels of shape [${batch}] or [${batch},1], one per example of the embeddings`,
      `labels of shape ${formatShape(t.shape)}`,
      kind === 'class'
        ? 'Pass one class id per example (for multi-label data use npairsLossMultilabel).'
        : 'Pass one 0/1 label per (anchor, positive) pair.',
    );
  }
  const column = t.rank === 2 ? t : tf.reshape(t, [batch, 1]);
  return (column.dtype === 'float32' ? column : tf.cast(column, 'float32')) as tf.Tensor2D;
}

/** Throws unless `b` has the shape of `a` (anchor and positive embeddings). */
export function checkPairShapes(fn: string, a: tf.Tensor, b: tf.Tensor): void {
  if (a.shape[0] === b.shape[0] && a.shape[1] === b.shape[1]) return;
  throw new LossInputError(
    fn,
    `embeddingsPositive of the same shape as embeddingsAnchor ${formatShape(a.shape)}`,
    `embeddingsPositive of shape ${formatShape(b.shape)}`,
    'Pass one positive embedding per anchor, row i pairing with row i.',
  );
}

/** A finite number option (e.g. the margin), `fallback` when undefined. */
export function numberOption(
  fn: string,
  name: string,
  value: unknown,
  fallback: number,
  min = -Infinity,
): number {
  if (value === undefined) return fallback;
  return checkNumberOption(fn, name, value, min, Number.MAX_VALUE);
}

/**
 * Squared (or plain) Euclidean distances between the rows of `x` [B, D], with slim's
 * conventions: computed from the Gram matrix, clamped at 0, exactly 0 on the diagonal. The
 * plain distance is `sqrt` where the squared one is positive and 0 elsewhere, so its gradient
 * stays finite for identical rows.
 */
export function pairwiseDistance(x: tf.Tensor2D, squared: boolean): tf.Tensor2D {
  const batch = x.shape[0];
  const norms = tf.sum(tf.square(x), 1, true); // [B, 1]
  const gram = tf.matMul(x, x, false, true);
  const raw = tf.relu(tf.sub(tf.add(norms, tf.transpose(norms)), tf.mul(gram, 2)));
  const offDiagonal = tf.sub(1, tf.eye(batch));
  const d2 = tf.mul(raw, offDiagonal);
  if (squared) return d2 as tf.Tensor2D;
  const positive = tf.greater(d2, 0);
  const safe = tf.where(positive, d2, tf.onesLike(d2));
  return tf.where(positive, tf.sqrt(safe), tf.zerosLike(d2)) as tf.Tensor2D;
}

/** [B, B] float 1 where the labels (a [B, 1] column) are equal, else 0. */
export function sameLabel(labels: tf.Tensor2D): tf.Tensor2D {
  return tf.cast(tf.equal(labels, tf.transpose(labels)), 'float32') as tf.Tensor2D;
}

/**
 * What the batch losses (lifted structured, triplet semi-hard) start from: the checked
 * embeddings [B, D], the same-label mask [B, B] of the class ids and its complement, and the
 * (squared or plain) pairwise distances.
 */
export function labelledDistances(
  fn: string,
  labels: tf.Tensor,
  embeddings: tf.Tensor,
  squared: boolean,
): { x: tf.Tensor2D; batch: number; same: tf.Tensor2D; different: tf.Tensor2D; d: tf.Tensor2D } {
  const x = checkEmbeddings(fn, 'embeddings', embeddings);
  const batch = x.shape[0];
  const same = sameLabel(checkExampleLabels(fn, labels, batch, 'class'));
  const different = tf.sub(1, same) as tf.Tensor2D;
  return { x, batch, same, different, d: pairwiseDistance(x, squared) };
}
