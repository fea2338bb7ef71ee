// slim README, "Training Loop":
//   total_loss = slim.losses.get_total_loss()
//   optimizer = tf.train.GradientDescentOptimizer(learning_rate)
//   train_op = slim.learning.create_train_op(total_loss, optimizer)
//   slim.learning.train(train_op, logdir, number_of_steps=1000,
//                       save_summaries_secs=300, save_interval_secs=600)
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { latestCheckpoint } from '@tfslim/checkpoint';
import { createTrainOp, train } from '@tfslim/learning';
import { meanSquaredError } from '@tfslim/losses';
import { MemoryFileStore } from '@tfslim/storage';
import { VariableStore, variable } from '@tfslim/variables';
import { expectClose } from './_check.js';

const XS = [1, 2, 3, 4];
const LEARNING_RATE = 0.01;
const STEPS = 50;

/** By hand: y = 2x fitted by w x from w = 0; loss mean((wx - y)^2), gradient mean(2 (wx - y) x). */
function reference(): { w: number; firstLoss: number } {
  let w = 0;
  let firstLoss = NaN;
  for (let s = 0; s < STEPS; s++) {
    const r = XS.map((x) => w * x - 2 * x);
    if (s === 0) firstLoss = r.reduce((a, e) => a + e * e, 0) / XS.length;
    w -= LEARNING_RATE * (XS.reduce((a, x, i) => a + 2 * (r[i] as number) * x, 0) / XS.length);
  }
  return { w, firstLoss };
}

export async function main(): Promise<{ w: number; firstLoss: number; checkpoint: string }> {
  await selectBackend({ require: 'cpu', env: {} });
  const store = new VariableStore();
  const fileStore = new MemoryFileStore();
  const x = tf.tensor2d(XS, [4, 1]);
  const y = tf.mul(x, 2);
  const trainOp = createTrainOp(
    (losses, xb: tf.Tensor, yb: tf.Tensor) => {
      const w = variable('w', { shape: [1, 1], initializer: 0 });
      meanSquaredError(tf.matMul(xb, w), yb);
      return losses.getTotalLoss(); // slim's total_loss: trained once, not added again
    },
    tf.train.sgd(LEARNING_RATE),
    { store },
  );
  let firstLoss = NaN;
  const result = await train(trainOp, '/train', {
    numberOfSteps: STEPS,
    data: (function* () {
      for (;;) yield [x, y] as [tf.Tensor, tf.Tensor];
    })(),
    saveSummariesSecs: 300,
    saveIntervalSecs: 600,
    fileStore,
    log: null,
    trainStepFn: (op, batch, { globalStep }) => {
      const loss = op(...batch);
      if (globalStep === 0) firstLoss = loss.dataSync()[0] as number;
      return loss;
    },
  });
  const w = store.get('w')!.dataSync()[0] as number;
  const checkpoint = (await latestCheckpoint('/train', { store: fileStore })) ?? '';
  const ref = reference();
  expectClose('first loss', firstLoss, ref.firstLoss);
  expectClose('w after training', w, ref.w, 1e-4);
  if (!checkpoint.endsWith(`model.ckpt-${STEPS}`)) {
    throw new Error(`checkpoint: expected logdir/model.ckpt-${STEPS}, got ${checkpoint}.`);
  }
  void result;
  tf.dispose([x, y]);
  trainOp.dispose();
  trainOp.optimizer.dispose();
  store.dispose();
  return { w, firstLoss, checkpoint };
}
