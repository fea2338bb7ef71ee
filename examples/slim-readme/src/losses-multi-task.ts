// slim README, "Losses", a multi-task model:
//   scene_predictions, depth_predictions = CreateMultiTaskModel(images)
//   classification_loss = slim.losses.softmax_cross_entropy(scene_predictions, scene_labels)
//   sum_of_squares_loss = slim.losses.sum_of_squares(depth_predictions, depth_labels)
//   # The following two lines have the same effect:
//   total_loss = classification_loss + sum_of_squares_loss
//   total_loss = slim.losses.get_total_loss(add_regularization_losses=False)
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { collectLosses, softmaxCrossEntropy, sumOfSquares } from '@tfslim/losses';
import { expectClose, num } from './_check.js';

const SCENE_LOGITS = [
  [2, 0, -1],
  [0.5, 0.5, 1],
];
const SCENE_LABELS = [
  [1, 0, 0],
  [0, 0, 1],
];
const DEPTH = [1, 2, 3, 4];
const DEPTH_LABELS = [1.5, 2, 2, 5];

/** By hand: mean over rows of -log softmax at the label; mean of squared differences. */
function reference(): { classification: number; sumOfSquares: number } {
  const xent = SCENE_LOGITS.map((row, i) => {
    const z = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    const k = (SCENE_LABELS[i] as number[]).indexOf(1);
    return z - (row[k] as number);
  });
  const sq = DEPTH.map((p, i) => (p - (DEPTH_LABELS[i] as number)) ** 2);
  return {
    classification: xent.reduce((a, b) => a + b) / xent.length,
    sumOfSquares: sq.reduce((a, b) => a + b) / sq.length, // slim's sum_of_squares is a mean
  };
}

export async function main(): Promise<Record<string, number>> {
  await selectBackend({ require: 'cpu', env: {} });
  const out = tf.tidy(() => {
    const { result, losses } = collectLosses(() => {
      const classificationLoss = softmaxCrossEntropy(
        tf.tensor2d(SCENE_LOGITS),
        tf.tensor2d(SCENE_LABELS),
      );
      const sumOfSquaresLoss = sumOfSquares(tf.tensor1d(DEPTH), tf.tensor1d(DEPTH_LABELS));
      return tf.add(classificationLoss, sumOfSquaresLoss);
    });
    return {
      totalLoss: num(result),
      getTotalLoss: num(losses.getTotalLoss({ addRegularizationLosses: false })),
    };
  });
  const ref = reference();
  expectClose(
    'classification_loss + sum_of_squares_loss',
    out.totalLoss,
    ref.classification + ref.sumOfSquares,
  );
  expectClose('get_total_loss(add_regularization_losses=False)', out.getTotalLoss, out.totalLoss);
  return out;
}
