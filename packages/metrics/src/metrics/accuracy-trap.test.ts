// The accuracy trap: a mismatched pairing is an error naming the right metric, and
// resolveAccuracy says which metric applies and why.
import * as tf from '@tensorflow/tfjs-core';
import { BACKENDS, rng, times, useBackend } from '../../test/helpers.js';
import {
  AccuracyMismatchError,
  MetricInputError,
  accuracy,
  binaryAccuracy,
  categoricalAccuracy,
  resolveAccuracy,
  sparseCategoricalAccuracy,
  topKAccuracy,
} from '../index.js';

function mismatch(fn: () => void): AccuracyMismatchError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AccuracyMismatchError);
    return e as AccuracyMismatchError;
  }
  throw new Error('expected an AccuracyMismatchError');
}

describe.each(BACKENDS)('the accuracy trap on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  // A batch like the seed experiment's: 32 examples, 10 classes, ~3/4 predicted right.
  const r = rng(7);
  const labels = times(32, () => Math.floor(r() * 10));
  const logits = labels.map((l, i) =>
    times(10, (c) => (c === (i % 4 === 0 ? (l + 1) % 10 : l) ? 5 : r())),
  );
  const predicted = logits.map((row) => row.indexOf(Math.max(...row)));
  const rightShare = predicted.filter((p, i) => p === labels[i]).length / 32;

  it('categoricalAccuracy refuses integer labels [B] with scores [B, C], naming sparseCategoricalAccuracy', () => {
    const m = categoricalAccuracy();
    const e = mismatch(() => m.update(tf.tensor2d(logits), tf.tensor1d(labels, 'int32')));
    expect(e.use).toBe('sparseCategoricalAccuracy');
    expect(e.message).toMatch(/^categoricalAccuracy\.update: expected one-hot labels/);
    expect(e.message).toMatch(/got labels \[32\] with predictions \[32,10\]/);
    expect(e.message).toMatch(/Use sparseCategoricalAccuracy\(\)/);
    m.dispose();
  });

  it("categoricalAccuracy refuses argmax'ed predictions [B] with integer labels [B] (the ~91.8% trap), naming accuracy", () => {
    const m = categoricalAccuracy();
    const e = mismatch(() =>
      m.update(tf.tensor1d(predicted, 'int32'), tf.tensor1d(labels, 'int32')),
    );
    expect(e.use).toBe('accuracy');
    expect(e.message).toMatch(/whole batch/);
    m.dispose();
  });

  it('what Keras measured instead: argmax over the whole batch vector, one example', () => {
    // Keras' categorical accuracy on [B] vectors: argmax(labels) == argmax(predictions), a single
    // 0/1 for the whole batch: nothing to do with the share of right answers.
    const kerasValue =
      labels.indexOf(Math.max(...labels)) === predicted.indexOf(Math.max(...predicted)) ? 1 : 0;
    expect([0, 1]).toContain(kerasValue);
    expect(rightShare).toBeGreaterThan(0.6);
    expect(rightShare).toBeLessThan(0.9);
  });

  it('the right pairings give the share of right answers', async () => {
    const sparse = sparseCategoricalAccuracy();
    sparse.update(tf.tensor2d(logits), tf.tensor1d(labels, 'int32'));
    const cat = categoricalAccuracy();
    cat.update(tf.tensor2d(logits), tf.oneHot(tf.tensor1d(labels, 'int32'), 10));
    const ids = accuracy();
    ids.update(tf.tensor1d(predicted, 'int32'), tf.tensor1d(labels, 'int32'));
    for (const m of [sparse, cat, ids]) {
      expect(await m.resultNumber()).toBeCloseTo(rightShare, 6);
      m.dispose();
    }
  });

  it('sparseCategoricalAccuracy refuses one-hot labels, naming categoricalAccuracy', () => {
    const m = sparseCategoricalAccuracy();
    const e = mismatch(() =>
      m.update(tf.tensor2d(logits), tf.oneHot(tf.tensor1d(labels, 'int32'), 10)),
    );
    expect(e.use).toBe('categoricalAccuracy');
    expect(e.message).toMatch(/^sparseCategoricalAccuracy\.update: expected integer labels/);
    m.dispose();
  });

  it("sparseCategoricalAccuracy refuses argmax'ed predictions, naming accuracy; one score per row names binaryAccuracy", () => {
    const m = sparseCategoricalAccuracy();
    expect(mismatch(() => m.update(tf.tensor1d(predicted), tf.tensor1d(labels))).use).toBe(
      'accuracy',
    );
    expect(mismatch(() => m.update(tf.zeros([32, 1]), tf.tensor1d(labels))).use).toBe(
      'binaryAccuracy',
    );
    m.dispose();
  });

  it('accuracy refuses per-class scores with id labels, naming sparseCategoricalAccuracy', () => {
    const m = accuracy();
    expect(mismatch(() => m.update(tf.tensor2d(logits), tf.tensor1d(labels))).use).toBe(
      'sparseCategoricalAccuracy',
    );
    m.dispose();
  });

  it('binaryAccuracy refuses scores [B, C] with id labels [B]', () => {
    const m = binaryAccuracy();
    expect(mismatch(() => m.update(tf.tensor2d(logits), tf.tensor1d(labels))).use).toBe(
      'sparseCategoricalAccuracy',
    );
    m.dispose();
  });

  it('labels [B, 1] are squeezed: sparse ids and binary labels both accepted', async () => {
    const sparse = sparseCategoricalAccuracy();
    sparse.update(tf.tensor2d(logits), tf.tensor2d(labels, [32, 1]));
    expect(await sparse.resultNumber()).toBeCloseTo(rightShare, 6);
    const bin = binaryAccuracy();
    bin.update(tf.tensor2d([[0.9], [0.2], [0.7]]), tf.tensor1d([1, 0, 0]));
    expect(await bin.resultNumber()).toBeCloseTo(2 / 3, 6);
    sparse.dispose();
    bin.dispose();
  });

  it('topKAccuracy refuses one-hot labels and says to argmax them', () => {
    const m = topKAccuracy({ k: 3 });
    expect(() =>
      m.update(tf.tensor2d(logits), tf.oneHot(tf.tensor1d(labels, 'int32'), 10)),
    ).toThrow(
      /topKAccuracy\.update: expected scores \[batch, numClasses\] and integer labels \[batch\], got predictions \[32,10\] and labels \[32,10\]\. For one-hot labels pass tf\.argMax\(labels, -1\)/,
    );
    m.dispose();
  });
});

describe('resolveAccuracy', () => {
  it.each([
    [[32], [32, 10], 'sparseCategoricalAccuracy', /one integer class id per example/],
    [[32, 1], [32, 10], 'sparseCategoricalAccuracy', /trailing 1/],
    [[32, 10], [32, 10], 'categoricalAccuracy', /one-hot/],
    [[32], [32], 'accuracy', /class ids .* compared element-wise/],
    [[32, 1], [32], 'accuracy', /squeezed/],
    [[32, 1], [32, 1], 'binaryAccuracy', /one score per example/],
    [[32], [32, 1], 'binaryAccuracy', /one score per example/],
    [[4, 7], [4, 7, 3], 'sparseCategoricalAccuracy', /3 classes/],
  ] as const)('labels %j, predictions %j -> %s', (labels, predictions, metric, why) => {
    const r = resolveAccuracy(labels, predictions);
    expect(r.metric).toBe(metric);
    expect(r.reason).toMatch(why);
  });

  it('never guesses: shapes that fit no accuracy throw with the reason', () => {
    expect(() => resolveAccuracy([32], [16, 10])).toThrow(MetricInputError);
    expect(() => resolveAccuracy([32], [16, 10])).toThrow(
      /^resolveAccuracy: expected labels and predictions shapes that fit an accuracy metric, got labels \[32\] and predictions \[16,10\] do not pair/,
    );
    expect(() => resolveAccuracy([], [10])).toThrow(/scalar, which has no batch dimension/);
    expect(() => resolveAccuracy([32, 10], [32, 5])).toThrow(/do not pair/);
    expect(() => resolveAccuracy([1.5] as number[], [2])).toThrow(
      /expected labelsShape as an array of non-negative integers/,
    );
  });

  it('agrees with what each metric accepts: the chosen one accepts; the categorical pair only when chosen', () => {
    const pairs: [number[], number[]][] = [
      [[6], [6, 4]],
      [
        [6, 4],
        [6, 4],
      ],
      [[6], [6]],
      [
        [6, 1],
        [6, 1],
      ],
    ];
    const factories = { accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy };
    for (const [l, p] of pairs) {
      const chosen = resolveAccuracy(l, p).metric;
      for (const [name, make] of Object.entries(factories)) {
        const m = make();
        const run = () => tf.tidy(() => m.update(tf.zeros(p), tf.zeros(l)));
        if (name === chosen) expect(run).not.toThrow();
        else if (name.endsWith('ategoricalAccuracy')) expect(run).toThrow(MetricInputError);
        m.dispose();
      }
    }
  });
});
