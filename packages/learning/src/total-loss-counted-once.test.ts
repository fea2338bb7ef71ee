// A loss returned and also registered is counted once in the total loss.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { softmaxCrossEntropy } from '@tfslim/losses';
import { VariableStore, l2Regularizer, variable, variableScope } from '@tfslim/variables';
import { perTest, testBackends } from '@tfslim-internal/testing';
import { createTrainOp } from './index.js';

// A linear classifier with zero weights: logits 0 over 4 classes, so the cross-entropy is ln 4
// and its gradient w.r.t. the biases is mean(softmax - y) = 1/4 - mean(y) (by hand).
const X = [
  [1, 2, 0],
  [0, 1, -1],
];
const LABELS = [
  [1, 0, 0, 0],
  [0, 0, 1, 0],
];
const BIAS_GRAD = [0.25 - 0.5, 0.25, 0.25 - 0.5, 0.25];

function logits(x: tf.Tensor, wd = 0): tf.Tensor {
  return variableScope('net', () => {
    const w = variable('weights', {
      shape: [3, 4],
      initializer: 0,
      regularizer: wd > 0 ? l2Regularizer(wd) : null,
    });
    const b = variable('biases', { shape: [4], initializer: 0 });
    return tf.add(tf.matMul(x, w), b);
  });
}

describe.each(testBackends())('createTrainOp counts the total loss once on %s', (backend) => {
  beforeAll(() => selectBackend({ require: backend, env: {} }));
  const store = perTest(() => new VariableStore());

  // slim README:
  //   slim.losses.softmax_cross_entropy(predictions, labels)
  //   total_loss = slim.losses.get_total_loss()
  //   train_op = slim.learning.create_train_op(total_loss, optimizer)
  it('returning losses.getTotalLoss() trains ln 4 with one gradient, not 2 ln 4', async () => {
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(LABELS);
    const trainOp = createTrainOp(
      (losses, xb: tf.Tensor, yb: tf.Tensor) => {
        softmaxCrossEntropy(logits(xb), yb);
        return losses.getTotalLoss();
      },
      tf.train.sgd(1),
      { store: store() },
    );
    const loss = trainOp(x, y);
    expect((await loss.data())[0]).toBeCloseTo(Math.log(4), 5); // was 2.7726
    loss.dispose();
    const biases = await store().get('net/biases')!.data();
    Array.from(biases).forEach((b, i) => expect(b).toBeCloseTo(-(BIAS_GRAD[i] as number), 5));
    const before = tf.memory().numTensors;
    trainOp(x, y).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    y.dispose();
  });

  // total_loss = slim.losses.softmax_cross_entropy(...)  # registered, and returned
  it('returning a registered loss counts it once; the regularization loss is added once', async () => {
    const wd = 0.1;
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(LABELS);
    const trainOp = createTrainOp(
      (_losses, xb: tf.Tensor, yb: tf.Tensor) => softmaxCrossEntropy(logits(xb, wd), yb),
      tf.train.sgd(1),
      { store: store() },
    );
    trainOp(x, y).dispose(); // weights move away from 0, so the L2 term is non-zero
    const w = await store().get('net/weights')!.data();
    const l2 = (wd * Array.from(w).reduce((s, v) => s + v * v, 0)) / 2;
    const xent = tf.tidy(() =>
      tf.losses.softmaxCrossEntropy(
        y,
        tf.add(tf.matMul(x, store().get('net/weights')!), store().get('net/biases')!),
      ),
    );
    const expected = (await xent.data())[0]! + l2;
    xent.dispose();
    const loss = trainOp(x, y);
    expect((await loss.data())[0]).toBeCloseTo(expected, 5);
    loss.dispose();
    x.dispose();
    y.dispose();
  });
});
