// computeWeightedLoss under every reduction, and reduction validation.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { LossInputError, Reduction, computeWeightedLoss } from './index.js';
import {
  BACKENDS,
  expectAllClose,
  expectClose,
  randoms,
  refReduce,
  type RefReduction,
  type Shape,
} from '../test/reference.js';

const REDUCTIONS: [Reduction, RefReduction][] = [
  [Reduction.NONE, 'none'],
  [Reduction.SUM, 'sum'],
  [Reduction.MEAN, 'mean'],
  [Reduction.SUM_OVER_BATCH_SIZE, 'sum_over_batch_size'],
  [Reduction.SUM_BY_NONZERO_WEIGHTS, 'nonzero'],
];

const LOSS_SHAPE: Shape = [4, 3];
const LOSSES = randoms(12, 7, 0, 2);

const WEIGHTS: { label: string; values: number[]; shape: Shape }[] = [
  { label: 'scalar tensor 2', values: [2], shape: [] },
  { label: '[B]', values: [1, 0, 2, 0.5], shape: [4] },
  { label: '[B,1]', values: [0, 3, 1, 1], shape: [4, 1] },
  { label: '[B,C]', values: [1, 0, 0, 2, 1, 0, 0, 0, 0, 1, 1, 1], shape: [4, 3] },
  { label: '[1,C] per class', values: [0.5, 0, 2], shape: [1, 3] },
  { label: 'all zero [B]', values: [0, 0, 0, 0], shape: [4] },
  { label: 'negative [B,C]', values: [1, -1, 2, 0, 0, 1, -2, 1, 1, 0, 3, -1], shape: [4, 3] },
];

describe.each(BACKENDS)('computeWeightedLoss on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  describe.each(REDUCTIONS)('reduction %s', (reduction, ref) => {
    it('without weights', () => {
      const losses = tf.tensor(LOSSES, LOSS_SHAPE);
      const out = computeWeightedLoss(losses, { reduction });
      const expected = refReduce(LOSSES, LOSS_SHAPE, undefined, ref);
      if (typeof expected === 'number') expectClose(out.dataSync()[0]!, expected);
      else expectAllClose(out.dataSync(), expected);
      tf.dispose([losses, out]);
    });

    it.each([0.5, 0, 1])('with number weight %p', (w) => {
      const losses = tf.tensor(LOSSES, LOSS_SHAPE);
      const out = computeWeightedLoss(losses, { weights: w, reduction });
      const expected = refReduce(LOSSES, LOSS_SHAPE, { values: [w], shape: [] }, ref);
      if (typeof expected === 'number') expectClose(out.dataSync()[0]!, expected);
      else expectAllClose(out.dataSync(), expected);
      tf.dispose([losses, out]);
    });

    it.each(WEIGHTS)('with weights $label', ({ values, shape }) => {
      const losses = tf.tensor(LOSSES, LOSS_SHAPE);
      const weights = tf.tensor(values, shape);
      const before = tf.memory().numTensors;
      const out = computeWeightedLoss(losses, { weights, reduction });
      expect(tf.memory().numTensors).toBe(before + 1);
      const expected = refReduce(LOSSES, LOSS_SHAPE, { values, shape }, ref);
      if (typeof expected === 'number') {
        expect(out.shape).toEqual([]);
        expectClose(out.dataSync()[0]!, expected);
      } else {
        expect(out.shape).toEqual(LOSS_SHAPE);
        expectAllClose(out.dataSync(), expected);
      }
      tf.dispose([losses, weights, out]);
    });
  });

  it('zero weights give 0, not NaN, for every reduction', () => {
    const losses = tf.tensor(LOSSES, LOSS_SHAPE);
    for (const [reduction] of REDUCTIONS.slice(1)) {
      for (const weights of [0, tf.zeros([4]), tf.zeros([4, 3]), tf.scalar(0)]) {
        const out = computeWeightedLoss(losses, { weights, reduction });
        expect(out.dataSync()[0]).toBe(0);
        tf.dispose(out);
        if (typeof weights !== 'number') weights.dispose();
      }
    }
    losses.dispose();
  });

  it('defaults to SUM_BY_NONZERO_WEIGHTS: a scalar weight w gives w * mean', () => {
    const losses = tf.tensor([1, 2, 3, 6], [2, 2]);
    expect(computeWeightedLoss(losses, { weights: 2 }).dataSync()[0]).toBeCloseTo(6, 5);
    // [B] weights [1, 0]: the 2 present elements of row 0 -> (1 + 2) / 2.
    const w = tf.tensor1d([1, 0]);
    expect(computeWeightedLoss(losses, { weights: w }).dataSync()[0]).toBeCloseTo(1.5, 5);
    tf.dispose([losses, w]);
  });

  it('MEAN divides by the sum of the weights broadcast to the losses shape', () => {
    const losses = tf.tensor([1, 2, 3, 6], [2, 2]);
    const w = tf.tensor1d([1, 3]);
    // (1*1 + 1*2 + 3*3 + 3*6) / (1+1+3+3) = 30 / 8
    const out = computeWeightedLoss(losses, { weights: w, reduction: Reduction.MEAN });
    expect(out.dataSync()[0]).toBeCloseTo(30 / 8, 5);
    tf.dispose([losses, w, out]);
  });

  it('leaves no intermediate tensor behind', () => {
    const losses = tf.tensor(LOSSES, LOSS_SHAPE);
    const w = tf.tensor1d([1, 0, 2, 1]);
    const before = tf.memory().numTensors;
    for (const [reduction] of REDUCTIONS) {
      tf.dispose(computeWeightedLoss(losses, { weights: w, reduction }));
      tf.dispose(computeWeightedLoss(losses, { weights: 0.5, reduction }));
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([losses, w]);
  });
});

describe('reduction validation', () => {
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
  });

  it.each([['mean'], ['SUM'], [1], [null]])('rejects %p, listing the allowed values', (bad) => {
    const losses = tf.ones([2]);
    const before = tf.memory().numTensors;
    let error: unknown;
    try {
      computeWeightedLoss(losses, { reduction: bad as unknown as Reduction });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LossInputError);
    const message = (error as Error).message;
    expect(message).toMatch(/^computeWeightedLoss: expected options.reduction to be one of/);
    for (const value of Object.values(Reduction)) expect(message).toContain(`'${value}'`);
    expect(message).toContain('Reduction.SUM_BY_NONZERO_WEIGHTS');
    if (typeof bad === 'number') expect(message).toContain("tfjs-core's numeric tf.Reduction");
    expect(tf.memory().numTensors).toBe(before);
    losses.dispose();
  });

  it.each([
    [[3], /options.weights that align with the losses' shape \[4,3\].*got weights of shape \[3\]/],
    [[4, 3, 2], /got weights of shape \[4,3,2\]/],
    [[2, 3], /got weights of shape \[2,3\]/],
  ])('rejects weights of shape %p', (shape, pattern) => {
    const losses = tf.ones([4, 3]);
    const w = tf.ones(shape);
    const before = tf.memory().numTensors;
    expect(() => computeWeightedLoss(losses, { weights: w })).toThrow(pattern);
    expect(() => computeWeightedLoss(losses, { weights: w })).toThrow(/per class as \[1,3\]/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([losses, w]);
  });

  it('rejects non-finite number weights and string weights', () => {
    const losses = tf.ones([2]);
    expect(() => computeWeightedLoss(losses, { weights: NaN })).toThrow(
      /computeWeightedLoss: expected options.weights to be a finite number or a tensor, got NaN/,
    );
    const s = tf.tensor(['a', 'b']);
    expect(() => computeWeightedLoss(losses, { weights: s })).toThrow(/got dtype string/);
    tf.dispose([losses, s]);
  });
});
