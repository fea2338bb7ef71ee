// Cosine, pairwise and hinge losses against values computed independently, on every backend.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  Reduction,
  computeWeightedLoss,
  cosineDistance,
  hingeLoss,
  meanPairwiseSquaredError,
} from './index.js';
import {
  BACKENDS,
  expectAllClose,
  expectClose,
  randoms,
  refHinge,
  refReduce,
} from '../test/reference.js';

/** Mean over the n (n - 1) ordered pairs i != j of ((p_i - y_i) - (p_j - y_j))^2 (TF's). */
function refPairwise(p: number[], y: number[], n: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < p.length / n; b++) {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const di = p[b * n + i]! - y[b * n + i]!;
        const dj = p[b * n + j]! - y[b * n + j]!;
        acc += (di - dj) ** 2;
      }
    }
    out.push(acc / (n * (n - 1)));
  }
  return out;
}

function unit(values: number[], dims: number): number[] {
  const out = [...values];
  for (let r = 0; r < values.length / dims; r++) {
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += values[r * dims + d]! ** 2;
    for (let d = 0; d < dims; d++) out[r * dims + d] = values[r * dims + d]! / Math.sqrt(norm);
  }
  return out;
}

describe.each(BACKENDS)('cosine, pairwise and hinge losses on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  describe('meanPairwiseSquaredError', () => {
    const B = 4;
    const N = 6; // [4, 2, 3] flattened per example
    const P = randoms(B * N, 31);
    const Y = randoms(B * N, 32);

    it('is the per-example mean of pairwise squared differences, SUMMED over the batch', () => {
      const p = tf.tensor3d(P, [B, 2, 3]);
      const y = tf.tensor3d(Y, [B, 2, 3]);
      const out = meanPairwiseSquaredError(p, y);
      const perExample = refPairwise(P, Y, N);
      expectClose(
        out.dataSync()[0]!,
        perExample.reduce((a, b) => a + b, 0),
      );
      tf.dispose([p, y, out]);
    });

    it.each([
      ['scalar 2', [2], []],
      ['[B]', [1, 0, 3, 0.5], [B]],
      ['[B,1]', [0, 2, 1, 1], [B, 1]],
      ['zero', [0, 0, 0, 0], [B]],
    ])('weights %s weigh whole examples', (_label, values, shape) => {
      const p = tf.tensor3d(P, [B, 2, 3]);
      const y = tf.tensor3d(Y, [B, 2, 3]);
      const w = tf.tensor(values, shape);
      const out = meanPairwiseSquaredError(p, y, { weights: w });
      const expected = refReduce(refPairwise(P, Y, N), [B], { values, shape }, 'sum') as number;
      expectClose(out.dataSync()[0]!, expected);
      tf.dispose([p, y, w, out]);
    });

    it('ignores a constant offset; by hand on [[1, 2, 3]] vs 0: 2*14/2 - 2*36/6 = 2', () => {
      const p = tf.tensor2d([[1, 2, 3]]);
      const shifted = tf.tensor2d([[11, 12, 13]]);
      const y = tf.zeros([1, 3]);
      expectClose(meanPairwiseSquaredError(p, y).dataSync()[0]!, 2);
      expectClose(meanPairwiseSquaredError(shifted, y).dataSync()[0]!, 2, 1e-4);
      tf.dispose([p, shifted, y]);
    });

    it('other reductions apply to the per-example values', () => {
      const p = tf.tensor2d(P, [B, N]);
      const y = tf.tensor2d(Y, [B, N]);
      const none = meanPairwiseSquaredError(p, y, { reduction: Reduction.NONE });
      expectAllClose(none.dataSync(), refPairwise(P, Y, N));
      const mean = meanPairwiseSquaredError(p, y, { reduction: Reduction.SUM_BY_NONZERO_WEIGHTS });
      expectClose(mean.dataSync()[0]!, refPairwise(P, Y, N).reduce((a, b) => a + b) / B);
      tf.dispose([p, y, none, mean]);
    });
  });

  describe('cosineDistance', () => {
    const B = 5;
    const D = 3;
    const P = unit(randoms(B * D, 41), D);
    const Y = unit(randoms(B * D, 42), D);
    const perExample = Array.from({ length: B }, (_, r) => {
      let dot = 0;
      for (let d = 0; d < D; d++) dot += P[r * D + d]! * Y[r * D + d]!;
      return 1 - dot;
    });

    it.each([
      ['no weights', undefined],
      ['[B]', { values: [1, 0, 1, 2, 0], shape: [B] }],
      ['[B,1]', { values: [1, 1, 0, 0, 3], shape: [B, 1] }],
    ])('is 1 - sum_axis(p * y), weights %s', (_label, weights) => {
      const p = tf.tensor2d(P, [B, D]);
      const y = tf.tensor2d(Y, [B, D]);
      const w = weights ? tf.tensor(weights.values, weights.shape) : undefined;
      const out = cosineDistance(p, y, w ? { axis: 1, weights: w } : { axis: 1 });
      expectClose(out.dataSync()[0]!, refReduce(perExample, [B], weights, 'nonzero') as number);
      tf.dispose([p, y, out]);
      w?.dispose();
    });

    it('keeps the axis with size 1 (TF shape) and accepts a negative axis', () => {
      const p = tf.tensor2d(P, [B, D]);
      const y = tf.tensor2d(Y, [B, D]);
      const out = cosineDistance(p, y, { axis: -1, reduction: Reduction.NONE });
      expect(out.shape).toEqual([B, 1]);
      expectAllClose(out.dataSync(), perExample);
      tf.dispose([p, y, out]);
    });

    it('by hand: identical unit vectors give 0, opposite give 2', () => {
      const p = tf.tensor2d([
        [1, 0],
        [0, 1],
      ]);
      const y = tf.tensor2d([
        [1, 0],
        [0, -1],
      ]);
      const out = cosineDistance(p, y, { axis: 1, reduction: Reduction.NONE });
      expectAllClose(out.dataSync(), [0, 2]);
      tf.dispose([p, y, out]);
    });
  });

  describe('hingeLoss', () => {
    it('is relu(1 - (2y - 1) x), unreduced', () => {
      const X = randoms(12, 51, -2, 2);
      const Y = randoms(12, 52, 0, 1).map((v) => (v > 0.5 ? 1 : 0));
      const x = tf.tensor2d(X, [3, 4]);
      const y = tf.tensor2d(Y, [3, 4]);
      const out = hingeLoss(x, y);
      expect(out.shape).toEqual([3, 4]);
      expectAllClose(out.dataSync(), refHinge(X, Y));
      const reduced = computeWeightedLoss(out);
      expectClose(reduced.dataSync()[0]!, refHinge(X, Y).reduce((a, b) => a + b) / 12);
      tf.dispose([x, y, out, reduced]);
    });
  });

  it('no tensor leaks', () => {
    const p = tf.tensor2d(randoms(12, 1), [4, 3]);
    const y = tf.tensor2d(randoms(12, 2), [4, 3]);
    const w = tf.tensor1d([1, 0, 2, 1]);
    const before = tf.memory().numTensors;
    for (const reduction of Object.values(Reduction)) {
      tf.dispose(meanPairwiseSquaredError(p, y, { weights: w, reduction }));
      tf.dispose(cosineDistance(p, y, { axis: 1, weights: w, reduction }));
    }
    tf.dispose(hingeLoss(p, y));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([p, y, w]);
  });
});
