// The AUC family on inputs TF answers senselessly: negative weights make result() NaN and
// resultNumber() throw; dynamicAuc keeps scores outside [0, 1], auc refuses them as TF does.
import * as tf from '@tensorflow/tfjs-core';
import { itWith, runPython } from '@tfslim-internal/testing';
import { BACKENDS, useBackend } from '../../test/helpers.js';
import * as M from '../index.js';

const P = [0.1, 0.4, 0.35, 0.8];
const L = [0, 0, 1, 1];
const NEGATIVE_W = [1, -1, 1, 1];

itWith('tf', 'the TensorFlow negative-weights check')(
  "TF's auc with a negative weight is no area (outside [0, 1])",
  () => {
    const tfAuc = runPython<number>(
      [
        'import json, sys',
        'import tensorflow as tf',
        'inp = json.load(sys.stdin)',
        'tf.compat.v1.disable_eager_execution()',
        'c = lambda k: tf.constant(inp[k], tf.float32)',
        "v, up = tf.compat.v1.metrics.auc(c('l'), c('p'), weights=c('w'))",
        's = tf.compat.v1.Session()',
        's.run(tf.compat.v1.local_variables_initializer()); s.run(up)',
        'print(json.dumps(float(s.run(v))))',
      ].join('\n'),
      { p: P, l: L, w: NEGATIVE_W },
    );
    expect(tfAuc > 1 || tfAuc < 0).toBe(true);
  },
);

/** Mann-Whitney: the share of (positive, negative) pairs ranked right, ties counting 1/2. */
function pairwiseAuc(p: number[], l: number[]): number {
  let right = 0;
  let pairs = 0;
  p.forEach((pi, i) =>
    p.forEach((pj, j) => {
      if (l[i] !== 1 || l[j] !== 0) return;
      pairs++;
      right += pi > pj ? 1 : pi === pj ? 0.5 : 0;
    }),
  );
  return right / pairs;
}

describe.each(BACKENDS)('negative weights and scores on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  let before = 0;
  beforeEach(() => (before = tf.memory().numTensors));
  afterEach(() => expect(tf.memory().numTensors).toBe(before));

  it.each([
    ['auc', () => M.auc()],
    ['dynamicAuc', () => M.dynamicAuc()],
    ['f1Score', () => M.f1Score()],
    ['precisionAtThresholds', () => M.precisionAtThresholds({ thresholds: [0.5] })],
  ] as const)(
    '%s: a negative weight makes result() NaN and resultNumber() throw',
    async (name, make) => {
      const m = make();
      tf.tidy(() => m.update(tf.tensor1d(P), tf.tensor1d(L), tf.tensor1d(NEGATIVE_W)));
      const value = m.result();
      expect(Array.from(value.dataSync()).every(Number.isNaN)).toBe(true);
      value.dispose();
      const read = name === 'precisionAtThresholds' ? m.resultArray() : m.resultNumber();
      await expect(read).rejects.toThrow(M.MetricInputError);
      await expect(read).rejects.toThrow(
        new RegExp(`^${name}\\.update: expected .*weights >= 0, got 1 value\\(s\\) outside that`),
      );
      m.reset(); // zero weights are fine
      tf.tidy(() => m.update(tf.tensor1d(P), tf.tensor1d(L), tf.tensor1d([1, 0, 2, 1])));
      const fine = m.result();
      expect(Array.from(fine.dataSync()).every(Number.isFinite)).toBe(true);
      fine.dispose();
      m.dispose();
    },
  );

  it('dynamicAuc takes scores outside [0, 1]: the area of their order, as slim', async () => {
    const scores = [1.5, -0.5, 0.3, 2.5, -3, 0.7];
    const labels = [1, 0, 0, 1, 0, 1];
    const m = M.dynamicAuc();
    tf.tidy(() => m.update(tf.tensor1d(scores), tf.tensor1d(labels)));
    expect(await m.resultNumber()).toBeCloseTo(pairwiseAuc(scores, labels), 6);
    // The same order squashed into (0, 1) gives the same area.
    const squashed = M.dynamicAuc();
    tf.tidy(() => squashed.update(tf.sigmoid(tf.tensor1d(scores)), tf.tensor1d(labels)));
    expect(await squashed.resultNumber()).toBeCloseTo(await m.resultNumber(), 6);
    // auc's thresholds live in [0, 1]: it refuses them, as TF asserts.
    const fixed = M.auc();
    tf.tidy(() => fixed.update(tf.tensor1d(scores), tf.tensor1d(labels)));
    await expect(fixed.resultNumber()).rejects.toThrow(
      /auc\.update: expected predictions in \[0, 1\]/,
    );
    for (const x of [m, squashed, fixed]) x.dispose();
  });
});
