// slim README, "Losses", a custom loss slim manages:
//   pose_loss = MyCustomLossFunction(pose_predictions, pose_labels)
//   slim.losses.add_loss(pose_loss) # Letting TF-Slim know about the additional loss.
//   # The following two ways to compute the total loss are equivalent:
//   regularization_loss = tf.add_n(slim.losses.get_regularization_losses())
//   total_loss1 = classification_loss + sum_of_squares_loss + pose_loss + regularization_loss
//   # (Regularization Loss is included in the total loss by default).
//   total_loss2 = slim.losses.get_total_loss()
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { collectLosses, softmaxCrossEntropy, sumOfSquares } from '@tfslim/losses';
import { VariableStore, l2Regularizer, variable, withVariableStore } from '@tfslim/variables';
import { expectClose, num } from './_check.js';

/** A custom loss slim knows nothing about: the mean absolute pose error. */
function myCustomLossFunction(predictions: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.mean(tf.abs(tf.sub(predictions, labels)));
}

export async function main(): Promise<Record<string, number>> {
  await selectBackend({ require: 'cpu', env: {} });
  const store = new VariableStore();
  const out = tf.tidy(() =>
    withVariableStore(store, () => {
      const { result, losses } = collectLosses((l) => {
        // A model variable with weight decay 0.1: its L2 term is 0.1 * (2^2 + 2^2) / 2 = 0.4.
        const w = variable('pose/weights', {
          shape: [2],
          initializer: 2,
          regularizer: l2Regularizer(0.1),
        });
        const classificationLoss = softmaxCrossEntropy(
          tf.tensor2d([[0, 0]]),
          tf.tensor2d([[1, 0]]),
        );
        const sumOfSquaresLoss = sumOfSquares(tf.tensor1d([1, 3]), tf.tensor1d([0, 0]));
        const poseLoss = myCustomLossFunction(w, tf.tensor1d([1, 4]));
        l.addLoss(poseLoss); // slim.losses.add_loss(pose_loss)
        const regularizationLoss = tf.addN(l.getRegularizationLosses());
        return {
          classification: num(classificationLoss),
          sumOfSquares: num(sumOfSquaresLoss),
          pose: num(poseLoss),
          regularization: num(regularizationLoss),
          totalLoss1: num(
            tf.addN([classificationLoss, sumOfSquaresLoss, poseLoss, regularizationLoss]),
          ),
        };
      });
      return { ...result, totalLoss2: num(losses.getTotalLoss()) };
    }),
  );
  store.dispose();
  // By hand: ln 2; (1 + 9) / 2 = 5; (|2-1| + |2-4|) / 2 = 1.5; 0.4.
  expectClose('classification_loss', out.classification, Math.log(2));
  expectClose('sum_of_squares_loss', out.sumOfSquares, 5);
  expectClose('pose_loss', out.pose, 1.5);
  expectClose('regularization_loss', out.regularization, 0.4);
  expectClose('total_loss1', out.totalLoss1, Math.log(2) + 5 + 1.5 + 0.4);
  expectClose('total_loss2 == total_loss1', out.totalLoss2, out.totalLoss1);
  return out;
}
