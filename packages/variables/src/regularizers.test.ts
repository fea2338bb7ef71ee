// The regularizers: values by hand, gradients, argument errors.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  VariableStore,
  applyRegularization,
  constantInitializer,
  l1Regularizer,
  l1l2Regularizer,
  l2Regularizer,
  sumRegularizer,
  variable,
  variableScope,
  withLossSink,
  type LossSink,
  type Regularizer,
} from './index.js';
import { testBackends } from '@tfslim-internal/testing';

class RecordingSink implements LossSink {
  readonly losses: { name: string; loss: tf.Scalar }[] = [];
  addRegularizationLoss(loss: tf.Scalar, name: string): void {
    this.losses.push({ name, loss });
  }
  dispose(): void {
    for (const l of this.losses) l.loss.dispose();
  }
}

const value = (t: tf.Tensor | null) => {
  if (t === null) return null;
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
};

describe.each(testBackends())('regularizers on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it('l2Regularizer: gradient scale * w (one product), through a variable, no leak', () => {
    const v = tf.variable(
      tf.tensor2d([
        [1, -2],
        [0.5, 4],
      ]),
    );
    const before = tf.memory().numTensors;
    const { value: loss, grads } = tf.variableGrads(
      () => tf.mul(tf.scalar(3), l2Regularizer(0.25)(v) as tf.Scalar),
      [v],
    );
    // loss = 3 * 0.25 * (1 + 4 + 0.25 + 16) / 2; d/dw = 3 * 0.25 * w
    expect(loss.dataSync()[0]).toBeCloseTo((3 * 0.25 * 21.25) / 2, 5);
    expect(Array.from(grads[v.name]?.dataSync() ?? [])).toEqual([0.75, -1.5, 0.375, 3]);
    tf.dispose([loss, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
  });

  it('values computed by hand', () => {
    const w = tf.tensor([1, -2, 3]);
    // l2: wd * sum(w^2) / 2 = 0.5 * 14 / 2
    expect(value(l2Regularizer(0.5)(w))).toBeCloseTo(3.5, 6);
    // l1: 0.1 * (1 + 2 + 3)
    expect(value(l1Regularizer(0.1)(w))).toBeCloseTo(0.6, 6);
    expect(value(l1l2Regularizer(0.1, 0.5)(w))).toBeCloseTo(4.1, 6);
    expect(value(l1l2Regularizer()(w))).toBeCloseTo(6 + 7, 5);
    expect(l2Regularizer(0)(w)).toBeNull();
    expect(sumRegularizer([l1Regularizer(0), l2Regularizer(0)])(w)).toBeNull();
    expect(value(applyRegularization(l2Regularizer(2), [w, tf.tensor([2])]))).toBeCloseTo(
      14 + 4,
      5,
    );
    w.dispose();
  });

  it('rejects negative or non-numeric scales', () => {
    expect(() => l2Regularizer(-1)).toThrow(/l2Regularizer: expected scale >= 0, got -1/);
    expect(() => l1Regularizer(NaN)).toThrow(/finite number, got NaN/);
  });

  describe('a variable with a regularizer', () => {
    let store: VariableStore;
    beforeEach(() => {
      store = new VariableStore();
    });
    afterEach(() => store.dispose());

    const model = (reg: Regularizer = l2Regularizer(0.5)) =>
      variableScope(
        'net',
        () =>
          variableScope('fc', () =>
            variable('weights', {
              shape: [3],
              initializer: constantInitializer([1, 2, 3]),
              regularizer: reg,
            }),
          ),
        { store },
      );

    it('registers wd*sum(w^2)/2 as <scope>/<var>/Regularizer in the active sink, once per sink', () => {
      const sink = new RecordingSink();
      withLossSink(sink, () => {
        model();
        // shared on purpose inside the same call: the loss is not counted twice
        variableScope(
          'net',
          () =>
            variableScope('fc', () =>
              variable('weights', { shape: [3], regularizer: l2Regularizer(0.5) }),
            ),
          {
            store,
            reuse: true,
          },
        );
      });
      expect(sink.losses.map((l) => l.name)).toEqual(['net/fc/weights/Regularizer']);
      expect(sink.losses[0]?.loss.dataSync()[0]).toBeCloseTo((0.5 * (1 + 4 + 9)) / 2, 6);
      const next = new RecordingSink();
      withLossSink(next, () => model());
      expect(next.losses).toHaveLength(1);
      sink.dispose();
      next.dispose();
    });

    it('computes nothing and leaks nothing without a sink (inference)', () => {
      model();
      const before = tf.memory().numTensors;
      let calls = 0;
      const counting: Regularizer = (w) => {
        calls++;
        return l2Regularizer(1)(w);
      };
      for (let i = 0; i < 100; i++) model(counting);
      expect(calls).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('disposes the loss when registration is refused, and checks the loss is a scalar', () => {
      const sink = new RecordingSink();
      expect(() => withLossSink(sink, () => model((w) => tf.mul(w, 2) as tf.Scalar))).toThrow(
        /regularizer of 'net\/fc\/weights' to return a scalar, got shape \[3\]/,
      );
      const before = tf.memory().numTensors;
      withLossSink(sink, () => model(() => null));
      expect(sink.losses).toEqual([]);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
