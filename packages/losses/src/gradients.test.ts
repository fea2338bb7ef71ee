// The losses' gradients against numeric and hand-computed ones, on every backend.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { registerRegularizationLoss } from '@tfslim/variables';
import {
  Reduction,
  absoluteDifference,
  collectLosses,
  cosineDistance,
  huberLoss,
  logLoss,
  meanPairwiseSquaredError,
  meanSquaredError,
  perExampleSquaredError,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
  sparseSoftmaxCrossEntropy,
} from './index.js';
import { BACKENDS, expectAllClose } from '../test/reference.js';

function allFinite(t: tf.Tensor): boolean {
  return Array.from(t.dataSync()).every(Number.isFinite);
}

describe.each(BACKENDS)('gradients on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it('softmax cross entropy: (softmax - y) / B, finite for huge logits', () => {
    const x = tf.tensor2d([1e4, -1e4, 0, 0, 5e3, 0], [2, 3]);
    const y = tf.tensor2d([0, 1, 0, 0, 0, 1], [2, 3]);
    const before = tf.memory().numTensors;
    const dx = tf.grad((l: tf.Tensor) => softmaxCrossEntropy(l, y))(x);
    expect(allFinite(dx)).toBe(true);
    // softmax row 0 = [1, 0, 0]; row 1 = [0, 1, 0] (5e3 dominates).
    expectAllClose(dx.dataSync(), [1 / 2, -1 / 2, 0, 0, 1 / 2, -1 / 2]);
    dx.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('softmax cross entropy with label smoothing and weights matches the closed form', () => {
    const X = [0.5, -1, 2, 0, 1, 1];
    const x = tf.tensor2d(X, [2, 3]);
    const y = tf.tensor2d([1, 0, 0, 0, 0, 1], [2, 3]);
    const w = tf.tensor1d([2, 0]);
    const dx = tf.grad((l: tf.Tensor) =>
      softmaxCrossEntropy(l, y, { weights: w, labelSmoothing: 0.3 }),
    )(x);
    // Only row 0 counts (one non-zero weight): 2 * (softmax(x0) - smoothed y0) / 1.
    const e = X.slice(0, 3).map(Math.exp);
    const z = e.reduce((a, b) => a + b);
    const smoothed = [1 * 0.7 + 0.1, 0.1, 0.1];
    expectAllClose(dx.dataSync(), [...e.map((v, c) => 2 * (v / z - smoothed[c]!)), 0, 0, 0]);
    tf.dispose([x, y, w, dx]);
  });

  it('sparse softmax cross entropy: the same gradient as one-hot', () => {
    const x = tf.tensor2d([3e4, 0, -2, 1, 0.5, 0.25], [2, 3]);
    const ids = tf.tensor1d([1, 0], 'int32');
    const y = tf.oneHot(ids, 3);
    const a = tf.grad((l: tf.Tensor) => sparseSoftmaxCrossEntropy(l, ids))(x);
    const b = tf.grad((l: tf.Tensor) => softmaxCrossEntropy(l, y))(x);
    expect(allFinite(a)).toBe(true);
    expectAllClose(a.dataSync(), Array.from(b.dataSync()));
    tf.dispose([x, ids, y, a, b]);
  });

  it('sigmoid cross entropy: (sigmoid(x) - z) / N, finite for huge logits', () => {
    const x = tf.tensor1d([1e4, -1e4, 0, 2]);
    const z = tf.tensor1d([0, 1, 1, 0.5]);
    const dx = tf.grad((l: tf.Tensor) => sigmoidCrossEntropy(l, z))(x);
    const s = 1 / (1 + Math.exp(-2));
    expectAllClose(dx.dataSync(), [1 / 4, -1 / 4, -0.5 / 4, (s - 0.5) / 4]);
    tf.dispose([x, z, dx]);
  });

  it('log loss: finite at p = 0 and p = 1 (the log of 0 is guarded by epsilon)', () => {
    const p = tf.tensor1d([0, 1, 0, 1]);
    const y = tf.tensor1d([1, 0, 0, 1]);
    const dp = tf.grad((q: tf.Tensor) => logLoss(q, y))(p);
    expect(allFinite(dp)).toBe(true);
    // d/dp [-y log(p+e) - (1-y) log(1-p+e)] / 4
    const eps = 1e-7;
    expectAllClose(
      dp.dataSync(),
      [-1 / eps / 4, 1 / eps / 4, 1 / (1 + eps) / 4, -1 / (1 + eps) / 4],
      1e-3,
    );
    tf.dispose([p, y, dp]);
  });

  it('squared errors: 2 (p - y) / N and 2 (p - y) / B', () => {
    const p = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.tensor2d([0, 2, 1, 4], [2, 2]);
    const mse = tf.grad((q: tf.Tensor) => meanSquaredError(q, y))(p);
    const perExample = tf.grad((q: tf.Tensor) => perExampleSquaredError(q, y))(p);
    expectAllClose(mse.dataSync(), [0.5, 0, 1, 0]);
    expectAllClose(perExample.dataSync(), [1, 0, 2, 0]);
    tf.dispose([p, y, mse, perExample]);
  });

  it('every loss has finite gradients, zero weights included', () => {
    const p = tf.tensor2d([0.5, 0.5, 0.2, 1, 0, 0.3], [2, 3]);
    const y = tf.tensor2d([0.5, 0, 1, 1, 0, 0], [2, 3]);
    const zero = tf.zeros([2]);
    const losses: ((q: tf.Tensor) => tf.Tensor)[] = [
      (q) => absoluteDifference(q, y),
      (q) => huberLoss(q, y, { delta: 0.1 }),
      (q) => meanPairwiseSquaredError(q, y),
      (q) => cosineDistance(q, y, { axis: 1 }),
      (q) => meanSquaredError(q, y, { weights: zero }),
      (q) => softmaxCrossEntropy(q, y, { weights: zero }),
      (q) => logLoss(q, y, { weights: zero, reduction: Reduction.MEAN }),
      (q) => sigmoidCrossEntropy(q, y, { weights: 0 }),
    ];
    for (const loss of losses) {
      const g = tf.grad(loss)(p);
      expect(allFinite(g)).toBe(true);
      g.dispose();
    }
    tf.dispose([p, y, zero]);
  });

  it('a training step through collectLosses: loss + regularization, no leaks across steps', () => {
    const w = tf.variable(
      tf.tensor2d([
        [0.1, -0.2],
        [0.3, 0.4],
      ]),
      true,
      `losses_test_w_${backend}`,
    );
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
      [-1, 0],
    ]);
    const ids = tf.tensor1d([0, 1, 1], 'int32');
    const opt = tf.train.sgd(0.1);
    const before = tf.memory().numTensors;
    const values: number[] = [];
    for (let step = 0; step < 3; step++) {
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const { losses } = collectLosses(() => {
            registerRegularizationLoss(tf.mul(0.01, tf.sum(tf.square(w))), 'w/l2');
            sparseSoftmaxCrossEntropy(tf.matMul(x, w), ids);
          });
          expect(losses.size).toBe(2);
          return losses.getTotalLoss();
        });
        opt.applyGradients(grads);
        return value;
      });
      values.push(loss.dataSync()[0]!);
      loss.dispose();
    }
    expect(values[2]!).toBeLessThan(values[0]!);
    // sgd keeps no slots; every step leaves the tensor count unchanged.
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, x, ids]);
    opt.dispose();
  });
});
