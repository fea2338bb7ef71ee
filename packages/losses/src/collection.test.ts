// LossCollection and collectLosses: registration, totals, typed errors.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { registerRegularizationLoss } from '@tfslim/variables';
import {
  EmptyLossCollectionError,
  LossCollection,
  LossInputError,
  Reduction,
  activeLossCollection,
  collectLosses,
  computeWeightedLoss,
  hingeLoss,
  meanSquaredError,
  softmaxCrossEntropy,
  withLossCollection,
} from './index.js';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

const value = (t: tf.Tensor) => t.dataSync()[0]!;

describe('LossCollection', () => {
  it('adds, filters by scope prefix and totals (regularization included by default)', () => {
    tf.tidy(() => {
      const c = new LossCollection();
      c.addLoss(tf.scalar(1), 'clone_0/softmax_cross_entropy_loss');
      c.addLoss(tf.scalar(2), 'clone_1/softmax_cross_entropy_loss');
      c.addRegularizationLoss(tf.scalar(0.25), 'clone_0/fc/weights');
      expect(c.getLosses().map(value)).toEqual([1, 2]);
      expect(c.getLosses('clone_1').map(value)).toEqual([2]);
      expect(c.getRegularizationLosses().map(value)).toEqual([0.25]);
      expect(value(c.getTotalLoss())).toBeCloseTo(3.25, 6);
      expect(value(c.getTotalLoss({ addRegularizationLosses: false }))).toBe(3);
      expect(value(c.getTotalLoss({ scope: 'clone_0' }))).toBeCloseTo(1.25, 6);
      expect(c.size).toBe(3);
      expect(c.entries().losses.map((e) => e.name)).toEqual([
        'clone_0/softmax_cross_entropy_loss',
        'clone_1/softmax_cross_entropy_loss',
      ]);
    });
  });

  it('getTotalLoss fails on an empty collection with a typed error', () => {
    const c = new LossCollection();
    expect(() => c.getTotalLoss()).toThrow(EmptyLossCollectionError);
    expect(() => c.getTotalLoss()).toThrow(
      /^getTotalLoss: expected at least one loss, got none \(0 losses, 0 regularization losses in the collection\)\. Call the losses inside collectLosses/,
    );
    const r = tf.scalar(1);
    c.addRegularizationLoss(r, 'w');
    expect(() => c.getTotalLoss({ addRegularizationLosses: false })).toThrow(
      /regularization excluded/,
    );
    expect(() => c.getTotalLoss({ scope: 'nope' })).toThrow(/under scope 'nope'/);
    r.dispose();
  });

  it('rejects non-scalar losses and losses disposed by an inner tidy', () => {
    const c = new LossCollection();
    const v = tf.ones([3]);
    expect(() => c.addLoss(v as tf.Scalar, 'per_element')).toThrow(
      /^addLoss: expected a scalar loss for 'per_element', got shape \[3\]\. Reduce it first/,
    );
    tf.tidy(() => {
      c.addLoss(tf.scalar(1), 'inner');
    });
    expect(() => c.getTotalLoss()).toThrow(LossInputError);
    expect(() => c.getTotalLoss()).toThrow(/got 'inner' already disposed/);
    v.dispose();
  });

  it('dispose() frees every registered tensor', () => {
    const before = tf.memory().numTensors;
    const { losses } = collectLosses(() => {
      const p = tf.ones([2, 2]);
      const y = tf.zeros([2, 2]);
      meanSquaredError(p, y);
      registerRegularizationLoss(tf.scalar(0.1), 'fc/weights');
      tf.dispose([p, y]);
    });
    expect(tf.memory().numTensors).toBe(before + 2);
    losses.dispose();
    expect(losses.size).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('collectLosses', () => {
  it("collects slim losses called inside, under slim names, and returns fn's result", () => {
    tf.tidy(() => {
      const p = tf.tensor2d([
        [1, 2],
        [3, 4],
      ]);
      const y = tf.zeros([2, 2]);
      const { result, losses } = collectLosses(() => {
        const a = meanSquaredError(p, y);
        softmaxCrossEntropy(
          p,
          tf.tensor2d([
            [1, 0],
            [0, 1],
          ]),
        );
        computeWeightedLoss(hingeLoss(p, y));
        return a;
      });
      expect(value(result)).toBe(7.5);
      expect(losses.entries().losses.map((e) => e.name)).toEqual([
        'mean_squared_error',
        'softmax_cross_entropy_loss',
        'weighted_loss',
      ]);
      expect(losses.getLosses()[0]).toBe(result);
    });
  });

  it('layer regularizers reach getRegularizationLosses through the variables loss sink', () => {
    tf.tidy(() => {
      const { losses } = collectLosses(() => {
        expect(registerRegularizationLoss(tf.scalar(0.5), 'conv1/weights/l2')).toBe(true);
        meanSquaredError(tf.ones([2]), tf.zeros([2]));
      });
      expect(losses.getRegularizationLosses().map(value)).toEqual([0.5]);
      expect(losses.entries().regularizationLosses[0]?.name).toBe('conv1/weights/l2');
      expect(value(losses.getTotalLoss())).toBeCloseTo(1.5, 6);
      expect(value(losses.getTotalLoss({ addRegularizationLosses: false }))).toBe(1);
    });
    // Outside any collecting scope nothing is registered (inference accumulates nothing).
    const r = tf.scalar(1);
    expect(registerRegularizationLoss(r, 'x')).toBe(false);
    expect(activeLossCollection()).toBeUndefined();
    r.dispose();
  });

  it('losses of one step are never counted in the next', () => {
    const totals: number[] = [];
    const sizes: number[] = [];
    for (let step = 1; step <= 3; step++) {
      tf.tidy(() => {
        const { losses } = collectLosses(() => {
          meanSquaredError(tf.scalar(step), tf.scalar(0));
          registerRegularizationLoss(tf.scalar(0.5), 'w');
        });
        sizes.push(losses.size);
        totals.push(value(losses.getTotalLoss()));
      });
    }
    expect(sizes).toEqual([2, 2, 2]);
    expect(totals).toEqual([1.5, 4.5, 9.5]);
  });

  it('NONE results, hinge losses and addToCollection: false are not registered; scope renames', () => {
    tf.tidy(() => {
      const p = tf.ones([2, 2]);
      const y = tf.zeros([2, 2]);
      const { losses } = collectLosses(() => {
        meanSquaredError(p, y, { reduction: Reduction.NONE });
        hingeLoss(p, y);
        meanSquaredError(p, y, { addToCollection: false });
        meanSquaredError(p, y, { scope: 'aux/mse' });
      });
      expect(losses.entries().losses.map((e) => e.name)).toEqual(['aux/mse']);
    });
  });

  it('nested scopes: the innermost collection wins, the outer one is restored', () => {
    tf.tidy(() => {
      const { losses: outer } = collectLosses(() => {
        meanSquaredError(tf.ones([1]), tf.zeros([1]), { scope: 'outer_1' });
        const { losses: inner } = collectLosses(() => {
          meanSquaredError(tf.ones([1]), tf.zeros([1]), { scope: 'inner' });
        });
        expect(inner.entries().losses.map((e) => e.name)).toEqual(['inner']);
        meanSquaredError(tf.ones([1]), tf.zeros([1]), { scope: 'outer_2' });
      });
      expect(outer.entries().losses.map((e) => e.name)).toEqual(['outer_1', 'outer_2']);
    });
  });

  it('withLossCollection reuses one collection across the model call and the loss call', () => {
    tf.tidy(() => {
      const c = new LossCollection();
      withLossCollection(c, () => registerRegularizationLoss(tf.scalar(0.1), 'fc/weights'));
      withLossCollection(c, () => meanSquaredError(tf.ones([1]), tf.zeros([1])));
      expect(c.size).toBe(2);
      expect(value(c.getTotalLoss())).toBeCloseTo(1.1, 6);
    });
  });

  it('rejects an async fn (scopes are synchronous) and restores the scope after errors', async () => {
    expect(() => collectLosses(async () => undefined)).toThrow(
      /^withLossCollection: expected fn to return synchronously, got a Promise/,
    );
    expect(() =>
      collectLosses(() => {
        throw new Error('model failed');
      }),
    ).toThrow('model failed');
    expect(activeLossCollection()).toBeUndefined();
    const r = tf.scalar(1);
    expect(registerRegularizationLoss(r, 'x')).toBe(false);
    r.dispose();
  });
});
