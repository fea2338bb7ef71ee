// createTrainOp adds l2Regularizer's gradient (scale * w) itself, in place: autodiff's numbers.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { fullyConnected } from '@tfslim/layers';
import { meanSquaredError } from '@tfslim/losses';
import {
  APPLY_GRADIENT_DESCENT,
  VariableStore,
  l2Regularizer,
  randomUniformInitializer,
  variable,
  variableScope,
  type Regularizer,
} from '@tfslim/variables';
import { testBackends } from '@tfslim-internal/testing';
import { QUADRATIC_XS, QUADRATIC_YS, variableBits } from './quadratic-fit.test-helpers.js';
import { createTrainOp, type TrainOpOptions } from './index.js';

const [XS, YS] = [QUADRATIC_XS, QUADRATIC_YS];
const DECAY = 0.05;

/**
 * l2Regularizer behind a tf.clone: the same value and gradient (the clone's gradient is dy),
 * but a loss createTrainOp does not recognise, so autodiff computes its gradient as before.
 */
const l2ThroughAutodiff =
  (scale: number): Regularizer =>
  (w) => {
    const loss = l2Regularizer(scale)(w)!;
    const copy = tf.clone(loss);
    loss.dispose();
    return copy;
  };

/** A ReLU MLP 3-8-1 with weight decay on both weights, seeded, in a new store. */
function trainOp(regularizer: Regularizer, options: TrainOpOptions = {}) {
  const store = new VariableStore();
  const init = {
    weightsInitializer: randomUniformInitializer({ minval: -1, maxval: 1, seed: 3 }),
    weightsRegularizer: regularizer,
  };
  const op = createTrainOp(
    (_l, x: tf.Tensor, y: tf.Tensor) =>
      variableScope('mlp', () => {
        const h = fullyConnected(x, 8, { scope: 'fc1', ...init });
        return meanSquaredError(
          fullyConnected(h, 1, { scope: 'fc2', activation: null, ...init }),
          y,
        );
      }),
    tf.train.sgd(0.1),
    { store, ...options },
  );
  return { store, op };
}

/** `steps` steps; the losses and the variables' float32 bits by slim name. */
function train(regularizer: Regularizer, steps: number, options: TrainOpOptions = {}) {
  const { store, op } = trainOp(regularizer, options);
  const [x, y] = [tf.tensor2d(XS), tf.tensor2d(YS)];
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = op(x, y);
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
  }
  const bits = variableBits(store);
  tf.dispose([x, y]);
  store.dispose();
  return { losses, bits };
}

describe.each(testBackends())('createTrainOp with l2Regularizer on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it('gives the losses and variables autodiff of the regularization loss gives, bit for bit', () => {
    const folded = train(l2Regularizer(DECAY), 5);
    expect(folded).toEqual(train(l2ThroughAutodiff(DECAY), 5));
    // The decay acts: without it the weights end elsewhere.
    expect(folded.bits).not.toEqual(train(() => null, 5).bits);
  });

  it('adds the decay gradient with the update kernel where the backend has one, in place', async () => {
    const hasKernel = tf.getKernel(APPLY_GRADIENT_DESCENT, tf.getBackend()) != null;
    const calls = async (regularizer: Regularizer) => {
      const { store, op } = trainOp(regularizer);
      const [x, y] = [tf.tensor2d(XS), tf.tensor2d(YS)];
      op(x, y).dispose();
      const info = await tf.profile(() => op(x, y).dispose());
      tf.dispose([x, y]);
      store.dispose();
      return info.kernels.filter((k) => k.name === APPLY_GRADIENT_DESCENT).length;
    };
    // 4 variable updates; folded, also one per regularized weight (2) into its gradient.
    expect(await calls(l2Regularizer(DECAY))).toBe(hasKernel ? 6 : 0);
    expect(await calls(l2ThroughAutodiff(DECAY))).toBe(hasKernel ? 4 : 0);
  });

  it('leaves the decay out when addRegularizationLosses is false', () => {
    const options = { addRegularizationLosses: false };
    expect(train(l2Regularizer(DECAY), 3, options)).toEqual(train(() => null, 3, options));
  });

  it('decays a regularized variable the data loss does not reach: v -= lr * scale * v', () => {
    const store = new VariableStore();
    const vars: Record<string, tf.Variable> = {};
    const op = createTrainOp(
      (_l, x: tf.Tensor) => {
        vars.decayed = variable('decayed', {
          shape: [2],
          initializer: () => tf.tensor1d([1, -2]),
          regularizer: l2Regularizer(0.5),
        });
        vars.w = variable('w', { shape: [1], initializer: () => tf.tensor1d([3]) });
        return tf.sum(tf.mul(x, vars.w));
      },
      tf.train.sgd(0.1),
      { store },
    );
    const x = tf.tensor1d([2]);
    const loss = op(x);
    // sum(x * w) + 0.5 * (1 + 4) / 2; then w -= 0.1 * x, decayed -= 0.1 * 0.5 * decayed.
    expect(loss.dataSync()[0]).toBeCloseTo(6 + 1.25, 6);
    expect(Array.from(vars.w!.dataSync())[0]).toBeCloseTo(2.8, 6);
    const decayed = Array.from(vars.decayed!.dataSync());
    expect(decayed[0]).toBeCloseTo(0.95, 6);
    expect(decayed[1]).toBeCloseTo(-1.9, 6);
    tf.dispose([x, loss]);
    store.dispose();
  });

  it('names the fix when the loss reaches no trained variable', () => {
    const store = new VariableStore();
    const op = createTrainOp(
      () => {
        variable('w', { shape: [1], initializer: () => tf.tensor1d([3]) });
        return tf.scalar(1);
      },
      tf.train.sgd(0.1),
      { store },
    );
    expect(() => op()).toThrow(/expected the loss to depend on the variables to train/);
    store.dispose();
  });

  it('keeps tensors flat across steps', () => {
    const { store, op } = trainOp(l2Regularizer(DECAY));
    const [x, y] = [tf.tensor2d(XS), tf.tensor2d(YS)];
    op(x, y).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) op(x, y).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    store.dispose();
  });
});
