// slim README, "Losses":
//   images, labels = ...
//   predictions, _ = vgg.vgg_16(images)
//   loss = slim.losses.softmax_cross_entropy(predictions, labels)
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { collectLosses, softmaxCrossEntropy } from '@tfslim/losses';
import { VariableStore, withVariableStore } from '@tfslim/variables';
import { expectClose, num } from './_check.js';
import { syntheticBatch, tinyVgg16 } from './_tiny-vgg.js';

export async function main(): Promise<{ loss: number; totalLoss: number }> {
  await selectBackend({ require: 'cpu', env: {} });
  const store = new VariableStore();
  const { images, labels } = syntheticBatch(4, 10);
  const out = tf.tidy(() =>
    withVariableStore(store, () => {
      const { result: loss, losses } = collectLosses(() =>
        softmaxCrossEntropy(tinyVgg16(images, 10, true), labels),
      );
      return { loss: num(loss), totalLoss: num(losses.getTotalLoss()) };
    }),
  );
  // fc8 starts at zero, so every logit is 0: the cross-entropy of a uniform guess, ln 10.
  expectClose('loss', out.loss, Math.log(10));
  expectClose('get_total_loss()', out.totalLoss, Math.log(10));
  tf.dispose([images, labels]);
  store.dispose();
  return out;
}
