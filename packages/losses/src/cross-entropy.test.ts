// The cross-entropy losses against values computed independently, on every backend.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  Reduction,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
  sparseSoftmaxCrossEntropy,
} from './index.js';
import {
  BACKENDS,
  expectAllClose,
  expectClose,
  oneHotRows,
  randoms,
  refReduce,
  refSigmoidXent,
  refSoftmaxXent,
} from '../test/reference.js';

const B = 6;
const C = 4;
const LOGITS = randoms(B * C, 21, -3, 3);
const IDS = [0, 3, 1, 1, 2, 3];
const ONEHOT = oneHotRows(IDS, C);
const MULTI = randoms(B * C, 22, 0, 1).map((v) => (v > 0.6 ? 1 : 0));

describe.each(BACKENDS)('cross entropies on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  describe('softmaxCrossEntropy', () => {
    it.each([
      ['no weights', undefined],
      ['scalar', { values: [0.3], shape: [] }],
      ['[B]', { values: [1, 0, 2, 1, 0, 0.5], shape: [B] }],
      ['[B,1]', { values: [0, 0, 1, 2, 1, 1], shape: [B, 1] }],
      ['zero [B]', { values: [0, 0, 0, 0, 0, 0], shape: [B] }],
    ])('matches the formula with weights %s', (_label, weights) => {
      const x = tf.tensor2d(LOGITS, [B, C]);
      const y = tf.tensor2d(ONEHOT, [B, C]);
      const w = weights ? tf.tensor(weights.values, weights.shape) : undefined;
      const out = softmaxCrossEntropy(x, y, w ? { weights: w } : {});
      const expected = refReduce(refSoftmaxXent(LOGITS, ONEHOT, C), [B], weights, 'nonzero');
      expectClose(out.dataSync()[0]!, expected as number);
      tf.dispose([x, y, out]);
      w?.dispose();
    });

    it('label smoothing: y (1 - ls) + ls / C', () => {
      const ls = 0.2;
      const smoothed = ONEHOT.map((v) => v * (1 - ls) + ls / C);
      const x = tf.tensor2d(LOGITS, [B, C]);
      const y = tf.tensor2d(ONEHOT, [B, C]);
      const out = softmaxCrossEntropy(x, y, { labelSmoothing: ls, reduction: Reduction.NONE });
      expectAllClose(out.dataSync(), refSoftmaxXent(LOGITS, smoothed, C));
      tf.dispose([x, y, out]);
    });

    it('by hand: uniform logits give log C', () => {
      const x = tf.zeros([2, 5]);
      const y = tf.tensor2d([1, 0, 0, 0, 0, 0, 0, 1, 0, 0], [2, 5]);
      const out = softmaxCrossEntropy(x, y);
      expectClose(out.dataSync()[0]!, Math.log(5));
      tf.dispose([x, y, out]);
    });

    it('is finite for huge logits', () => {
      const x = tf.tensor2d([1e4, -1e4, 0, 5e3], [2, 2]);
      const y = tf.tensor2d([0, 1, 1, 0], [2, 2]);
      const out = softmaxCrossEntropy(x, y, { reduction: Reduction.NONE });
      // row 0: -log softmax(-1e4) = 2e4; row 1: -log softmax(0 | 0, 5e3) = 5e3
      expectAllClose(out.dataSync(), [2e4, 5e3]);
      tf.dispose([x, y, out]);
    });

    it('works on [B, T, C] logits with one loss per position', () => {
      const x = tf.tensor3d(LOGITS, [2, 3, C]);
      const y = tf.tensor3d(ONEHOT, [2, 3, C]);
      const out = softmaxCrossEntropy(x, y, { reduction: Reduction.NONE });
      expect(out.shape).toEqual([2, 3]);
      expectAllClose(out.dataSync(), refSoftmaxXent(LOGITS, ONEHOT, C));
      tf.dispose([x, y, out]);
    });
  });

  describe('sparseSoftmaxCrossEntropy', () => {
    it.each([[[B]], [[B, 1]]])(
      'equals softmaxCrossEntropy on one-hot labels (labels %p)',
      (shape) => {
        const x = tf.tensor2d(LOGITS, [B, C]);
        const ids = tf.tensor(IDS, shape, 'int32');
        const y = tf.tensor2d(ONEHOT, [B, C]);
        const w = tf.tensor1d([1, 2, 0, 1, 1, 3]);
        for (const reduction of Object.values(Reduction)) {
          const sparse = sparseSoftmaxCrossEntropy(x, ids, { weights: w, reduction });
          const dense = softmaxCrossEntropy(x, y, { weights: w, reduction });
          expectAllClose(sparse.dataSync(), Array.from(dense.dataSync()), 1e-6);
          tf.dispose([sparse, dense]);
        }
        const expected = refReduce(refSoftmaxXent(LOGITS, ONEHOT, C), [B], undefined, 'nonzero');
        const out = sparseSoftmaxCrossEntropy(x, ids);
        expectClose(out.dataSync()[0]!, expected as number);
        tf.dispose([x, ids, y, w, out]);
      },
    );

    it('rejects out-of-range class ids instead of a silent 0 loss', () => {
      const x = tf.zeros([2, 3]);
      const ids = tf.tensor1d([1, 3], 'int32');
      const before = tf.memory().numTensors;
      expect(() => sparseSoftmaxCrossEntropy(x, ids)).toThrow(
        /sparseSoftmaxCrossEntropy: expected class ids in \[0, 2\] for 3 logits per example, got 3 at flat index 1/,
      );
      expect(tf.memory().numTensors).toBe(before);
      const skipped = sparseSoftmaxCrossEntropy(x, ids, { validateLabels: false });
      expect(skipped.shape).toEqual([]);
      tf.dispose([x, ids, skipped]);
    });
  });

  describe('sigmoidCrossEntropy', () => {
    it.each([
      ['no weights', undefined],
      ['[B]', { values: [1, 0, 2, 1, 0, 0.5], shape: [B] }],
      ['[B,C]', { values: randoms(B * C, 5, 0, 1).map((v) => (v < 0.3 ? 0 : v)), shape: [B, C] }],
    ])('matches the formula with weights %s', (_label, weights) => {
      const x = tf.tensor2d(LOGITS, [B, C]);
      const y = tf.tensor2d(MULTI, [B, C]);
      const w = weights ? tf.tensor(weights.values, weights.shape) : undefined;
      const out = sigmoidCrossEntropy(x, y, w ? { weights: w } : {});
      const expected = refReduce(refSigmoidXent(LOGITS, MULTI), [B, C], weights, 'nonzero');
      expectClose(out.dataSync()[0]!, expected as number);
      tf.dispose([x, y, out]);
      w?.dispose();
    });

    it('label smoothing: y (1 - ls) + 0.5 ls', () => {
      const ls = 0.3;
      const smoothed = MULTI.map((v) => v * (1 - ls) + 0.5 * ls);
      const x = tf.tensor2d(LOGITS, [B, C]);
      const y = tf.tensor2d(MULTI, [B, C]);
      const out = sigmoidCrossEntropy(x, y, { labelSmoothing: ls, reduction: Reduction.NONE });
      expectAllClose(out.dataSync(), refSigmoidXent(LOGITS, smoothed));
      tf.dispose([x, y, out]);
    });

    it('is finite for huge logits: loss |x| on the wrong side, 0 on the right side', () => {
      const x = tf.tensor1d([1e4, -1e4, 1e4, -1e4]);
      const y = tf.tensor1d([0, 1, 1, 0]);
      const out = sigmoidCrossEntropy(x, y, { reduction: Reduction.NONE });
      expectAllClose(out.dataSync(), [1e4, 1e4, 0, 0]);
      tf.dispose([x, y, out]);
    });
  });

  it('no tensor leaks across the three losses and every reduction', () => {
    const x = tf.tensor2d(LOGITS, [B, C]);
    const y = tf.tensor2d(ONEHOT, [B, C]);
    const ids = tf.tensor1d(IDS, 'int32');
    const w = tf.tensor1d([1, 2, 0, 1, 1, 3]);
    const before = tf.memory().numTensors;
    for (const reduction of Object.values(Reduction)) {
      tf.dispose(softmaxCrossEntropy(x, y, { weights: w, reduction, labelSmoothing: 0.1 }));
      tf.dispose(sparseSoftmaxCrossEntropy(x, ids, { weights: w, reduction }));
      tf.dispose(sigmoidCrossEntropy(x, y, { weights: w, reduction, labelSmoothing: 0.1 }));
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, ids, w]);
  });
});
