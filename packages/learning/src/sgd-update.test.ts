// createTrainOp with tf.train.sgd: tfjs SGD's exact variables, one ApplyGradientDescent per variable where registered.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { fullyConnected } from '@tfslim/layers';
import { meanSquaredError } from '@tfslim/losses';
import {
  APPLY_GRADIENT_DESCENT,
  VariableStore,
  randomUniformInitializer,
  variableScope,
} from '@tfslim/variables';
import { testBackends } from '@tfslim-internal/testing';
import { QUADRATIC_XS, QUADRATIC_YS, variableBits } from './quadratic-fit.test-helpers.js';
import { createTrainOp, exponentialDecay, type TrainOpOptions } from './index.js';

/** tf.train.sgd's class with nothing changed: createTrainOp leaves subclasses to applyGradients. */
class StockSgd extends tf.SGDOptimizer {}

const [XS, YS] = [QUADRATIC_XS, QUADRATIC_YS];

/** A ReLU MLP 3-8-1 fitting YS, its (seeded) variables in a new store. */
function mlpTrainOp(optimizer: tf.Optimizer, options: TrainOpOptions = {}) {
  const store = new VariableStore();
  const init = { weightsInitializer: randomUniformInitializer({ minval: -1, maxval: 1, seed: 7 }) };
  const trainOp = createTrainOp(
    (_l, x: tf.Tensor, y: tf.Tensor) =>
      variableScope('mlp', () => {
        const h = fullyConnected(x, 8, { scope: 'fc1', ...init });
        return meanSquaredError(
          fullyConnected(h, 1, { scope: 'fc2', activation: null, ...init }),
          y,
        );
      }),
    optimizer,
    { store, ...options },
  );
  return { store, trainOp };
}

/** Runs `steps` steps; returns the variables' float32 bits by slim name. */
function train(
  optimizer: tf.Optimizer,
  steps: number,
  options: TrainOpOptions = {},
): Record<string, number[]> {
  const { store, trainOp } = mlpTrainOp(optimizer, options);
  const [x, y] = [tf.tensor2d(XS), tf.tensor2d(YS)];
  for (let i = 0; i < steps; i++) trainOp(x, y).dispose();
  const bits = variableBits(store);
  tf.dispose([x, y]);
  store.dispose();
  return bits;
}

describe.each(testBackends())('createTrainOp with tf.train.sgd on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it('gives the variables tfjs SGD gives, bit for bit, and counts optimizer.iterations', () => {
    const sgd = tf.train.sgd(0.05);
    expect(train(sgd, 6)).toEqual(train(new StockSgd(0.05), 6));
    expect(sgd.iterations).toBe(6);
    sgd.dispose();
  });

  it('still follows a learning-rate schedule, bit for bit', () => {
    const options = { learningRate: exponentialDecay(0.1, { decaySteps: 2, decayRate: 0.5 }) };
    const sgd = tf.train.sgd(1);
    expect(train(sgd, 5, options)).toEqual(train(new StockSgd(1), 5, options));
    // The rate of the last update (step 4), which the schedule set on the optimizer.
    expect((sgd as unknown as { learningRate: number }).learningRate).toBeCloseTo(
      0.1 * 0.5 ** (4 / 2),
      12,
    );
  });

  it('runs one ApplyGradientDescent per variable where registered, leaks nothing and keeps clones', async () => {
    const { store, trainOp } = mlpTrainOp(tf.train.sgd(0.05));
    const [x, y] = [tf.tensor2d(XS), tf.tensor2d(YS)];
    trainOp(x, y).dispose();
    const w = store.namedVariables()['mlp/fc1/weights']!;
    const kept = tf.clone(w);
    const keptValues = Array.from(kept.dataSync());
    const before = tf.memory().numTensors;
    const { kernels } = await tf.profile(() => trainOp(x, y).dispose());
    const updates = kernels.filter((k) => k.name === APPLY_GRADIENT_DESCENT).length;
    if (backend === 'wasm') expect(updates).toBe(4);
    else expect([0, 4]).toContain(updates);
    const dataId = (w as unknown as { dataId: object }).dataId;
    for (let i = 0; i < 3; i++) trainOp(x, y).dispose();
    // Nothing else holds the weights' data after the gradients: wasm updates them in place.
    if (backend === 'wasm') expect((w as unknown as { dataId: object }).dataId).toBe(dataId);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(kept.dataSync())).toEqual(keptValues);
    expect(Array.from(w.dataSync())).not.toEqual(keptValues);
    tf.dispose([x, y, kept]);
    store.dispose();
  });
});
