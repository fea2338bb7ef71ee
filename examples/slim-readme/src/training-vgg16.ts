// slim README, "Working Example: Training the VGG16 Model":
//   predictions = vgg.vgg_16(images, is_training=True)
//   slim.losses.softmax_cross_entropy(predictions, labels)
//   total_loss = slim.losses.get_total_loss()
//   tf.summary.scalar('losses/total_loss', total_loss)
//   optimizer = tf.train.GradientDescentOptimizer(learning_rate=.001)
//   train_tensor = slim.learning.create_train_op(total_loss, optimizer)
//   slim.learning.train(train_tensor, train_log_dir)
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { createTrainOp, train } from '@tfslim/learning';
import { softmaxCrossEntropy } from '@tfslim/losses';
import { MemoryFileStore } from '@tfslim/storage';
import { listEventFiles, readEvents } from '@tfslim/summary';
import { VariableStore } from '@tfslim/variables';
import { expectClose } from './_check.js';
import { syntheticBatch, tinyVgg16 } from './_tiny-vgg.js';

export async function main(): Promise<{ firstTotalLoss: number; steps: number }> {
  await selectBackend({ require: 'cpu', env: {} });
  const store = new VariableStore();
  const fileStore = new MemoryFileStore();
  const { images, labels } = syntheticBatch(4, 10);
  let totalLoss = NaN;
  const trainTensor = createTrainOp(
    (losses, x: tf.Tensor, y: tf.Tensor) => {
      softmaxCrossEntropy(tinyVgg16(x, 10, true), y);
      return losses.getTotalLoss();
    },
    tf.train.sgd(0.001),
    { store },
  );
  await train(trainTensor, '/train', {
    data: [
      [images, labels],
      [images, labels],
    ],
    fileStore,
    log: null,
    saveSummariesSteps: 1,
    trainStepFn: (op, batch) => {
      const loss = op(...batch);
      totalLoss = loss.dataSync()[0] as number;
      return loss;
    },
    // tf.summary.scalar('losses/total_loss', total_loss), once a step has run
    summaries: (writer, step) => {
      if (Number.isFinite(totalLoss)) writer.scalar('losses/total_loss', totalLoss, step);
    },
  });
  const logged: number[] = [];
  for (const file of await listEventFiles('/train', { store: fileStore })) {
    for await (const e of readEvents(file, { store: fileStore })) {
      for (const v of e.values)
        if (v.tag === 'losses/total_loss' && v.kind === 'scalar') logged.push(v.value);
    }
  }
  // fc8 starts at zero: the first total loss is ln 10 (once; 2 ln 10 would be the loss counted twice).
  const first = logged[0] ?? NaN;
  expectClose("first 'losses/total_loss' summary", first, Math.log(10));
  const steps = trainTensor.globalStep.dataSync()[0] as number;
  if (steps !== 2) throw new Error(`global step: expected 2, got ${steps}.`);
  tf.dispose([images, labels]);
  trainTensor.dispose();
  trainTensor.optimizer.dispose();
  store.dispose();
  return { firstTotalLoss: first, steps };
}
