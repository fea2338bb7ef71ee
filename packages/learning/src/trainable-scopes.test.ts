// trainableScopes: a scope matching no trainable variable is an error naming the nearest.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { meanSquaredError } from '@tfslim/losses';
import { VariableError, VariableStore, variable, variableScope } from '@tfslim/variables';
import { perTest, testBackends } from '@tfslim-internal/testing';
import { createTrainOp } from './index.js';

// A two-layer linear net named like slim's: 'vgg_16/conv1/weights' then 'vgg_16/fc8/weights'.
function net(x: tf.Tensor): tf.Tensor {
  return variableScope('vgg_16', () => {
    const w1 = variableScope('conv1', () => variable('weights', { shape: [2, 2], initializer: 1 }));
    const w2 = variableScope('fc8', () => variable('weights', { shape: [2, 1], initializer: 1 }));
    return tf.matMul(tf.matMul(x, w1), w2);
  });
}

describe.each(testBackends())('createTrainOp variablesToTrain scopes on %s', (backend) => {
  beforeAll(() => selectBackend({ require: backend, env: {} }));
  const store = perTest(() => new VariableStore());

  // slim's train_image_classifier --trainable_scopes=vgg_16/fc8:
  //   variables_to_train = get_variables_to_train()  # from the scopes
  //   train_op = slim.learning.create_train_op(total_loss, optimizer,
  //                                            variables_to_train=variables_to_train)
  it("['vgg_16/fc8'] trains fc8 only, resolved when the model first runs", async () => {
    const x = tf.tensor2d([[1, 2]]);
    const y = tf.tensor2d([[0]]);
    const trainOp = createTrainOp(
      (_l, xb: tf.Tensor, yb: tf.Tensor) => meanSquaredError(net(xb), yb),
      tf.train.sgd(0.01),
      { store: store(), variablesToTrain: ['vgg_16/fc8'] },
    );
    trainOp(x, y).dispose();
    expect(trainOp.variablesToTrain.map((v) => store().nameOf(v))).toEqual(['vgg_16/fc8/weights']);
    // By hand: h = x W1 = [3, 3], out = 6, d(out-0)^2/dW2 = 2 * 6 * h = [36, 36].
    expect(Array.from(await store().get('vgg_16/conv1/weights')!.data())).toEqual([1, 1, 1, 1]);
    const w2 = Array.from(await store().get('vgg_16/fc8/weights')!.data());
    w2.forEach((v) => expect(v).toBeCloseTo(1 - 0.01 * 36, 5));
    x.dispose();
    y.dispose();
  });

  it('a scope matching no trainable variable is an error naming the nearest', () => {
    const x = tf.tensor2d([[1, 2]]);
    const y = tf.tensor2d([[0]]);
    const trainOp = createTrainOp(
      (_l, xb: tf.Tensor, yb: tf.Tensor) => meanSquaredError(net(xb), yb),
      tf.train.sgd(0.01),
      { store: store(), variablesToTrain: ['fc8'] },
    );
    expect(() => trainOp.build(x, y)).toThrow(VariableError);
    expect(() => trainOp.build(x, y)).toThrow(
      /createTrainOp: expected every variablesToTrain scope to match a variable, got 'fc8'.*did you mean 'vgg_16\/fc8'/,
    );
    x.dispose();
    y.dispose();
  });
});
