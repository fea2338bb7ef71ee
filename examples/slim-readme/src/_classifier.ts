// The evaluation samples' model: predictions = (x * w > 0.5), with w from a checkpoint, and the
// accuracy, precision and recall slim's formulas give for it (by hand).
import * as tf from '@tensorflow/tfjs-core';
import { saveCheckpoint } from '@tfslim/checkpoint';
import type { FileStore } from '@tfslim/storage';
import { variable, variableScope } from '@tfslim/variables';

export const INPUTS = [0.2, 0.9, 0.7, 0.1];
export const LABELS = [0, 1, 0, 1];
export const BATCH_SIZE = 2;

/** MyModel(images): the predicted class ids of a batch. */
export function myModel(x: tf.Tensor): tf.Tensor {
  const w = variableScope('my_model', () => variable('w', { shape: [1], initializer: 0 }));
  return tf.cast(tf.greater(tf.mul(x, w), 0.5), 'int32');
}

/** Batch k of the test set. */
export function batch(k: number): { x: tf.Tensor; labels: tf.Tensor } {
  const from = k * BATCH_SIZE;
  return {
    x: tf.tensor1d(INPUTS.slice(from, from + BATCH_SIZE)),
    labels: tf.tensor1d(LABELS.slice(from, from + BATCH_SIZE), 'int32'),
  };
}

/** A trainer's checkpoint of the model with weight `w` at `step`. */
export async function writeCheckpoint(
  dir: string,
  w: number,
  step: number,
  store: FileStore,
): Promise<string> {
  const t = tf.tensor1d([w]);
  try {
    return await saveCheckpoint(
      dir,
      { 'my_model/w': t },
      { globalStep: step, store, maxToKeep: 0 },
    );
  } finally {
    t.dispose();
  }
}

/** slim's accuracy, precision and recall of the model with weight `w` over the whole set. */
export function expected(w: number): { accuracy: number; precision: number; recall: number } {
  const p = INPUTS.map((x) => (x * w > 0.5 ? 1 : 0));
  const tp = p.filter((v, i) => v === 1 && LABELS[i] === 1).length;
  const fp = p.filter((v, i) => v === 1 && LABELS[i] === 0).length;
  const fn = p.filter((v, i) => v === 0 && LABELS[i] === 1).length;
  return {
    accuracy: p.filter((v, i) => v === LABELS[i]).length / p.length,
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: tp + fn === 0 ? 0 : tp / (tp + fn),
  };
}
