// batchNorm: batch statistics and moving averages in training, the averages at inference.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  GraphKeys,
  VariableStore,
  constantInitializer,
  getModelVariables,
  getTrainableVariables,
  variableScope,
} from '@tfslim/variables';
import { batchNorm } from './index.js';
import { perTest, testBackends } from '@tfslim-internal/testing';

/** Per-channel (last axis) mean and biased variance of a row-major array. */
function channelStats(values: number[], channels: number) {
  const n = values.length / channels;
  const mean = Array.from({ length: channels }, (_, c) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[i * channels + c] as number;
    return s / n;
  });
  const variance = mean.map((m, c) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += ((values[i * channels + c] as number) - m) ** 2;
    return s / n;
  });
  return { mean, variance };
}

const X = [1, 10, 3, 20, 5, 60, 7, 30];

describe.each(testBackends())('batchNorm on %s', (backend) => {
  beforeAll(() => selectBackend({ require: backend, env: {} }));
  const store = perTest(() => new VariableStore());
  const run = <T>(f: () => T) => variableScope('net', f, { store: store() });

  it('training: batch statistics, gamma/beta, and an update op moving the averages by decay', () => {
    const x = tf.tensor2d(X, [4, 2]);
    const y = run(() =>
      batchNorm(x, {
        scope: 'bn',
        scale: true,
        decay: 0.9,
        paramInitializers: { gamma: constantInitializer(2), beta: constantInitializer(1) },
      }),
    );
    const { mean, variance } = channelStats(X, 2);
    const got = y.dataSync();
    X.forEach((v, i) => {
      const c = i % 2;
      expect(got[i]).toBeCloseTo((2 * (v - mean[c]!)) / Math.sqrt(variance[c]! + 0.001) + 1, 4);
    });
    expect(Object.keys(store().namedVariables())).toEqual([
      'net/bn/beta',
      'net/bn/gamma',
      'net/bn/moving_mean',
      'net/bn/moving_variance',
    ]);
    expect(getTrainableVariables({ store: store() }).map((v) => store().nameOf(v))).toEqual([
      'net/bn/beta',
      'net/bn/gamma',
    ]);
    expect(getModelVariables({ store: store() })).toHaveLength(4);
    expect(
      store()
        .getUpdateOps()
        .map((o) => o.name),
    ).toEqual(['net/bn/AssignMovingAvg']);
    // nothing moved yet: the train loop runs the op after the optimizer step
    expect(Array.from(store().get('net/bn/moving_mean')!.dataSync())).toEqual([0, 0]);
    expect(store().runUpdateOps()).toEqual(['net/bn/AssignMovingAvg']);
    const mm = store().get('net/bn/moving_mean')!.dataSync();
    const mv = store().get('net/bn/moving_variance')!.dataSync();
    mean.forEach((m, c) => expect(mm[c]).toBeCloseTo(0.9 * 0 + 0.1 * m, 4));
    variance.forEach((v, c) => expect(mv[c]).toBeCloseTo(0.9 * 1 + 0.1 * v, 3));
    tf.dispose([x, y]);
  });

  it('inference: normalizes with the moving averages, registers nothing', () => {
    const x = tf.tensor2d(X, [4, 2]);
    const y = run(() =>
      batchNorm(x, {
        isTraining: false,
        paramInitializers: {
          movingMean: constantInitializer([2, 20]),
          movingVariance: constantInitializer([4, 100]),
        },
      }),
    );
    const got = y.dataSync();
    X.forEach((v, i) => {
      const [m, s] = i % 2 === 0 ? [2, 4] : [20, 100];
      expect(got[i]).toBeCloseTo((v - m) / Math.sqrt(s + 0.001), 4);
    });
    expect(store().getUpdateOps()).toEqual([]);
    expect(Object.keys(store().namedVariables())).toEqual([
      'net/BatchNorm/beta',
      'net/BatchNorm/moving_mean',
      'net/BatchNorm/moving_variance',
    ]);
    tf.dispose([x, y]);
  });

  it('NHWC inputs: statistics over batch, height and width per channel', () => {
    const values = Array.from({ length: 2 * 2 * 3 * 3 }, (_, i) => ((i * 7) % 10) - 4);
    const x = tf.tensor4d(values, [2, 2, 3, 3]);
    const y = run(() => batchNorm(x, { center: false, updatesCollections: null, decay: 0.5 }));
    const { mean, variance } = channelStats(values, 3);
    const got = y.dataSync();
    values.forEach((v, i) =>
      expect(got[i]).toBeCloseTo((v - mean[i % 3]!) / Math.sqrt(variance[i % 3]! + 0.001), 4),
    );
    // updatesCollections: null moves the averages during the forward pass
    expect(store().getUpdateOps()).toEqual([]);
    const mm = store().get('net/BatchNorm/moving_mean')!.dataSync();
    mean.forEach((m, c) => expect(mm[c]).toBeCloseTo(0.5 * m, 4));
    expect(store().has('net/BatchNorm/beta')).toBe(false);
    tf.dispose([x, y]);
  });

  it('repeated passes replace the pending op instead of piling up; no leaks', () => {
    const x = tf.tensor2d(X, [4, 2]);
    const pass = () => tf.tidy(() => run(() => batchNorm(x, { scope: 'bn' })));
    pass().dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) pass().dispose();
    expect(store().getUpdateOps()).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < 100; i++) {
      pass().dispose();
      store().runUpdateOps();
    }
    // the held batch statistics (2 tensors) were released by runUpdateOps
    expect(tf.memory().numTensors).toBe(before - 2);
    expect(store().getCollection(GraphKeys.MODEL_VARIABLES)).toHaveLength(3);
    x.dispose();
  });

  it("differentiates with slim's default (no gamma): d/dbeta of sum(y) is the batch size", () => {
    // tfjs-core cannot differentiate tf.batchNorm with an absent scale; the layer must pass one.
    const x = tf.tensor2d(X, [4, 2]);
    const loss = () =>
      tf.tidy(() => tf.sum(run(() => batchNorm(x, { isTraining: true }))) as tf.Scalar);
    tf.dispose(loss());
    const beta = getTrainableVariables({ store: store() }).find(
      (v) => store().nameOf(v) === 'net/BatchNorm/beta',
    );
    expect(beta).toBeDefined();
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(loss, [beta!]);
    // y = xhat + beta per element, so each of the 4 rows adds 1 to each channel's gradient.
    expect(Array.from(grads[beta!.name]!.dataSync())).toEqual([4, 4]);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('bad input', () => {
    expect(() => run(() => batchNorm(tf.zeros([3])))).toThrow(
      /batchNorm: expected inputs of rank >= 2 \[batch, \.\.\., channels\], got rank 1 with shape \[3\]/,
    );
    run(() => batchNorm(tf.zeros([2, 3]), { scope: 'bn', isTraining: false }));
    expect(() =>
      run(() => batchNorm(tf.zeros([2, 4]), { scope: 'bn', isTraining: false })),
    ).toThrow(
      /expected inputs with 3 channels in the last dimension \(the existing 'net\/bn\/moving_mean' is \[3\]\), got 4/,
    );
    expect(() => run(() => batchNorm(tf.zeros([2, 3]), { decay: 2 }))).toThrow(
      /options.decay in \[0, 1\], got 2/,
    );
  });
});
