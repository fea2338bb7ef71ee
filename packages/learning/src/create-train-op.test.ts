// createTrainOp: one step's update, the NaN check, and argument errors.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { fullyConnected } from '@tfslim/layers';
import { meanSquaredError } from '@tfslim/losses';
import { VariableStore, l2Regularizer, variable, variableScope } from '@tfslim/variables';
import { NonFiniteLossError, createTrainOp } from './index.js';
import { testBackends } from '@tfslim-internal/testing';

// y = 2 x0 - 3 x1 + 1 on 8 fixed points.
const XS = [
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
  [2, 1],
  [-1, 2],
  [0.5, -1],
  [-2, -0.5],
];
const YS = XS.map(([a, b]) => [2 * (a as number) - 3 * (b as number) + 1]);

describe.each(testBackends())('createTrainOp on %s', (backend) => {
  let store: VariableStore;
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });
  beforeEach(() => {
    store = new VariableStore();
  });
  afterEach(() => store.dispose());

  it('trains a small MLP: the loss falls, no tensor leaks per step', () => {
    const x = tf.tensor2d(XS);
    const y = tf.tensor2d(YS);
    const trainOp = createTrainOp(
      (_losses, xb: tf.Tensor, yb: tf.Tensor) =>
        variableScope('mlp', () => {
          const h = fullyConnected(xb, 16, { scope: 'fc1' });
          const out = fullyConnected(h, 1, { scope: 'fc2', activation: null });
          return meanSquaredError(out, yb);
        }),
      tf.train.sgd(0.05),
      { store },
    );
    const first = trainOp(x, y);
    const firstLoss = first.dataSync()[0] as number;
    first.dispose();
    const before = tf.memory().numTensors;
    let last = NaN;
    for (let i = 0; i < 200; i++) {
      const l = trainOp(x, y);
      if (i === 199) last = l.dataSync()[0] as number;
      l.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(firstLoss / 10);
    expect(trainOp.globalStep.dataSync()[0]).toBe(201);
    expect(trainOp.variablesToTrain.map((v) => store.nameOf(v))).toEqual([
      'mlp/fc1/weights',
      'mlp/fc1/biases',
      'mlp/fc2/weights',
      'mlp/fc2/biases',
    ]);
    x.dispose();
    y.dispose();
  });

  it('multiplies THEN clips each gradient by its own norm (by hand)', () => {
    // loss = sum(a * [3, 4]) + sum(b * [0.3, 0.4]): grads [3,4] (norm 5) and [0.3,0.4] (norm 0.5).
    // b's multiplier 10 makes its gradient [3,4]; clipping at 2.5 then gives [1.5, 2] for both.
    // (Clipping first would leave b's [0.3,0.4] alone and end at [3, 4].)
    const trainOp = createTrainOp(
      () => {
        const a = variable('a', { shape: [2], initializer: 0 });
        const b = variable('b', { shape: [2], initializer: 0 });
        return tf.add(
          tf.sum(tf.mul(a, tf.tensor1d([3, 4]))),
          tf.sum(tf.mul(b, tf.tensor1d([0.3, 0.4]))),
        );
      },
      tf.train.sgd(1),
      { store, gradientMultipliers: { b: 10 }, clipGradientNorm: 2.5 },
    );
    trainOp().dispose();
    const a = Array.from(store.get('a')!.dataSync());
    const b = Array.from(store.get('b')!.dataSync());
    expect(a[0]).toBeCloseTo(-1.5, 5);
    expect(a[1]).toBeCloseTo(-2, 5);
    expect(b[0]).toBeCloseTo(-1.5, 5);
    expect(b[1]).toBeCloseTo(-2, 5);
  });

  it('multipliers keyed by variable; no clipping when clipGradientNorm is 0', () => {
    let aVar: tf.Variable | undefined;
    const trainOp = createTrainOp(
      () => {
        const a = variable('a', { shape: [2], initializer: 0 });
        aVar = a;
        return tf.sum(tf.mul(a, tf.tensor1d([3, 4])));
      },
      tf.train.sgd(0.5),
      { store },
    );
    trainOp.build();
    const op2 = createTrainOp(
      () => tf.sum(tf.mul(variable('a', { shape: [2] }), tf.tensor1d([3, 4]))),
      tf.train.sgd(0.5),
      { store, gradientMultipliers: new Map([[aVar!, 2]]) },
    );
    op2().dispose();
    expect(Array.from(aVar!.dataSync())).toEqual([-3, -4]);
  });

  it('adds regularization losses of this step only', () => {
    const trainOp = createTrainOp(
      () => {
        const w = variable('w', { shape: [1], initializer: 2, regularizer: l2Regularizer(1) });
        return tf.sum(tf.mul(w, 0));
      },
      tf.train.sgd(0.1),
      { store },
    );
    // total = 0 + w^2/2 = 2 each step before the update; gradient w: w <- 0.9 w.
    const l1 = trainOp();
    const l2 = trainOp();
    expect(l1.dataSync()[0]).toBeCloseTo(2, 5);
    expect(l2.dataSync()[0]).toBeCloseTo((1.8 * 1.8) / 2, 5);
    l1.dispose();
    l2.dispose();
  });

  it('NaN loss: NonFiniteLossError naming the step, variables untouched', () => {
    let bad = false;
    const trainOp = createTrainOp(
      () => {
        const w = variable('w', { shape: [1], initializer: 1 });
        return tf.sum(tf.mul(w, bad ? NaN : 1));
      },
      tf.train.sgd(0.1),
      { store },
    );
    trainOp().dispose();
    bad = true;
    const before = tf.memory().numTensors;
    let err: unknown;
    try {
      trainOp().dispose();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as Error).message).toMatch(/LossTensor is inf or nan/);
    expect((err as Error).message).toMatch(/global step 1/);
    expect((err as NonFiniteLossError).globalStep).toBe(1);
    expect(store.get('w')!.dataSync()[0]).toBeCloseTo(0.9, 6);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('createTrainOp arguments', () => {
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
  });
  it('rejects bad arguments with clear errors', () => {
    const store = new VariableStore();
    expect(() => createTrainOp(null as never, tf.train.sgd(1), { store })).toThrow(/totalLossFn/);
    expect(() => createTrainOp(() => undefined, {} as never, { store })).toThrow(/tf.Optimizer/);
    expect(() =>
      createTrainOp(() => undefined, tf.train.sgd(1), { store, clipGradientNorm: -1 }),
    ).toThrow(/clipGradientNorm/);
    const noVars = createTrainOp(() => tf.scalar(1), tf.train.sgd(1), { store });
    expect(() => noVars()).toThrow(/trainable variables/);
    const vec = createTrainOp(() => tf.mul(variable('v', { shape: [2] }), 1), tf.train.sgd(1), {
      store,
    });
    expect(() => vec()).toThrow(/scalar loss/);
    store.dispose();
  });
});
