// The element-wise losses against values computed independently, on every backend.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  Reduction,
  absoluteDifference,
  huberLoss,
  logLoss,
  meanSquaredError,
  perExampleSquaredError,
  sumOfSquares,
} from './index.js';
import {
  BACKENDS,
  expectAllClose,
  expectClose,
  randoms,
  refAbs,
  refHuber,
  refLog,
  refReduce,
  refSquared,
  type Shape,
} from '../test/reference.js';

type Elementwise = (p: number[], y: number[]) => number[];
type LossFn = (
  p: tf.Tensor,
  y: tf.Tensor,
  o?: { weights?: tf.Tensor | number; reduction?: Reduction },
) => tf.Tensor;

const SHAPE: Shape = [5, 3];
const P = randoms(15, 11, 0.05, 0.95);
const Y = randoms(15, 12, -1, 2);
const PROBS_Y = randoms(15, 13, 0, 1).map((v) => (v > 0.5 ? 1 : 0));

const CASES: [string, LossFn, Elementwise, number[]][] = [
  ['absoluteDifference', absoluteDifference, refAbs, Y],
  ['meanSquaredError', meanSquaredError, refSquared, Y],
  ['sumOfSquares', sumOfSquares, refSquared, Y],
  ['huberLoss', huberLoss, (p, y) => refHuber(p, y, 1), Y],
  ['logLoss', logLoss, (p, y) => refLog(p, y, 1e-7), PROBS_Y],
];

const WEIGHT_CASES: { label: string; values: number[]; shape: Shape }[] = [
  { label: 'scalar', values: [0.7], shape: [] },
  { label: '[B]', values: [1, 0, 2, 1, 0.5], shape: [5] },
  { label: '[B,1]', values: [0, 1, 1, 3, 1], shape: [5, 1] },
  { label: '[B,C]', values: randoms(15, 3, 0, 2).map((v) => (v < 0.5 ? 0 : v)), shape: [5, 3] },
  { label: 'zero', values: [0], shape: [] },
];

describe.each(BACKENDS)('element-wise losses on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  describe.each(CASES)('%s', (_name, loss, ref, labels) => {
    it('matches the formula, default reduction (mean over non-zero weights)', () => {
      const p = tf.tensor(P, SHAPE);
      const y = tf.tensor(labels, SHAPE);
      const out = loss(p, y);
      expect(out.shape).toEqual([]);
      expectClose(
        out.dataSync()[0]!,
        refReduce(ref(P, labels), SHAPE, undefined, 'nonzero') as number,
      );
      tf.dispose([p, y, out]);
    });

    it.each(WEIGHT_CASES)('weights $label', ({ values, shape }) => {
      const p = tf.tensor(P, SHAPE);
      const y = tf.tensor(labels, SHAPE);
      const w = tf.tensor(values, shape);
      const out = loss(p, y, { weights: w });
      const expected = refReduce(ref(P, labels), SHAPE, { values, shape }, 'nonzero') as number;
      expectClose(out.dataSync()[0]!, expected);
      if (values.every((v) => v === 0)) expect(out.dataSync()[0]).toBe(0);
      tf.dispose([p, y, w, out]);
    });

    it('Reduction.NONE returns the weighted per-element losses', () => {
      const p = tf.tensor(P, SHAPE);
      const y = tf.tensor(labels, SHAPE);
      const w = tf.tensor1d([1, 0, 2, 1, 0.5]);
      const out = loss(p, y, { weights: w, reduction: Reduction.NONE });
      expect(out.shape).toEqual(SHAPE);
      expectAllClose(
        out.dataSync(),
        refReduce(
          ref(P, labels),
          SHAPE,
          { values: [1, 0, 2, 1, 0.5], shape: [5] },
          'none',
        ) as number[],
      );
      tf.dispose([p, y, w, out]);
    });

    it('leaks no tensor outside a tidy', () => {
      const p = tf.tensor(P, SHAPE);
      const y = tf.tensor(labels, SHAPE);
      const w = tf.tensor1d([1, 0, 2, 1, 0.5]);
      const before = tf.memory().numTensors;
      for (const reduction of Object.values(Reduction)) {
        tf.dispose(loss(p, y, { weights: w, reduction }));
        tf.dispose(loss(p, y, { weights: 0.5, reduction }));
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([p, y, w]);
    });
  });

  it('huberLoss is quadratic up to delta and linear above (by hand)', () => {
    const p = tf.tensor1d([0, 0.5, 3, -4]);
    const y = tf.zeros([4]);
    // delta 2: 0, 0.125, 0.5*4 + 2*(3-2) = 4, 2 + 2*2 = 6 -> mean 10.125 / 4
    const out = huberLoss(p, y, { delta: 2 });
    expectClose(out.dataSync()[0]!, 10.125 / 4);
    tf.dispose([p, y, out]);
  });

  it('logLoss stays finite at p = 0 and p = 1 (epsilon inside the logs)', () => {
    const p = tf.tensor1d([0, 1, 0, 1]);
    const y = tf.tensor1d([1, 0, 0, 1]);
    const out = logLoss(p, y);
    const perElement = -Math.log(1e-7);
    expectClose(out.dataSync()[0]!, (2 * perElement + 2 * -Math.log(1 + 1e-7)) / 4, 1e-3);
    expect(Number.isFinite(out.dataSync()[0])).toBe(true);
    tf.dispose([p, y, out]);
  });

  it("sumOfSquares is the same weighted MEAN as meanSquaredError (slim's old name)", () => {
    const p = tf.tensor(P, SHAPE);
    const y = tf.tensor(Y, SHAPE);
    const a = sumOfSquares(p, y);
    const b = meanSquaredError(p, y);
    expect(a.dataSync()[0]).toBe(b.dataSync()[0]);
    tf.dispose([p, y, a, b]);
  });

  it('NaN in predictions propagates (never silently 0)', () => {
    const p = tf.tensor1d([NaN, 1]);
    const y = tf.tensor1d([0, 1]);
    const out = meanSquaredError(p, y);
    expect(Number.isNaN(out.dataSync()[0])).toBe(true);
    tf.dispose([p, y, out]);
  });

  it('int32 and bool labels are cast to float, as slim does', () => {
    const p = tf.tensor1d([0.5, 0.25]);
    const y = tf.tensor1d([1, 0], 'int32');
    const out = meanSquaredError(p, y);
    expectClose(out.dataSync()[0]!, (0.25 + 0.0625) / 2);
    tf.dispose([p, y, out]);
  });
});

describe.each(BACKENDS)('seed experiment loss on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  const B = 32;
  const C = 10;
  const outputs = randoms(B * C, 99, -1, 1.5);
  const ids = randoms(B, 5, 0, C).map(Math.floor);
  const onehot = new Array<number>(B * C).fill(0);
  ids.forEach((id, r) => (onehot[r * C + id] = 1));

  // Run A: sum over batch and classes of (out - onehot)^2, divided by the batch size.
  let handWritten = 0;
  for (let i = 0; i < B * C; i++) handWritten += (outputs[i]! - onehot[i]!) ** 2;
  handWritten /= B;
  // Run B: Keras 'mse', the mean over the classes, then the mean over the batch.
  let keras = 0;
  for (let r = 0; r < B; r++) {
    let row = 0;
    for (let c = 0; c < C; c++) row += (outputs[r * C + c]! - onehot[r * C + c]!) ** 2;
    keras += row / C;
  }
  keras /= B;

  it('perExampleSquaredError is the hand-written loop loss, one call', () => {
    const out = tf.tensor2d(outputs, [B, C]);
    const y = tf.tensor2d(onehot, [B, C]);
    const loss = perExampleSquaredError(out, y);
    expectClose(loss.dataSync()[0]!, handWritten);
    tf.dispose([out, y, loss]);
  });

  it('for C = 10 it is exactly 10x the Keras-style MSE on the same tensors', () => {
    const out = tf.tensor2d(outputs, [B, C]);
    const y = tf.tensor2d(onehot, [B, C]);
    const a = perExampleSquaredError(out, y).dataSync()[0]!;
    const b = meanSquaredError(out, y).dataSync()[0]!;
    const tfjsCore = tf.losses.meanSquaredError(y, out).dataSync()[0]!;
    expectClose(b, keras);
    expectClose(tfjsCore, keras);
    expectClose(a / b, 10, 1e-6);
    expectClose(a, 10 * keras, 1e-6);
    tf.dispose([out, y]);
  });

  it('is exact (bit for bit) on dyadic values', () => {
    // quarters: every square, sum and division by 32 or 320 is exact, or off by one rounding.
    const q = Array.from({ length: B * C }, (_, i) => ((i * 7) % 9) / 4);
    const out = tf.tensor2d(q, [B, C]);
    const y = tf.tensor2d(onehot, [B, C]);
    const a = perExampleSquaredError(out, y).dataSync()[0]!;
    let sum = 0;
    for (let i = 0; i < B * C; i++) sum += (q[i]! - onehot[i]!) ** 2;
    expect(a).toBe(sum / B);
    expect(Math.fround(10 * meanSquaredError(out, y).dataSync()[0]!)).toBeCloseTo(a, 4);
    tf.dispose([out, y]);
  });

  it('every reduction applies to the B per-example sums', () => {
    const out = tf.tensor2d([1, 2, 3, 4, 0, 1], [3, 2]);
    const y = tf.zeros([3, 2]);
    const sums = [5, 25, 1];
    const cases: [Reduction, number][] = [
      [Reduction.SUM, 31],
      [Reduction.MEAN, 31 / 3],
      [Reduction.SUM_OVER_BATCH_SIZE, 31 / 3],
      [Reduction.SUM_BY_NONZERO_WEIGHTS, 31 / 3],
    ];
    for (const [reduction, expected] of cases) {
      tf.tidy(() => {
        expectClose(perExampleSquaredError(out, y, { reduction }).dataSync()[0]!, expected);
        expectClose(
          perExampleSquaredError(out, y, { reduction, weights: 2 }).dataSync()[0]!,
          refReduce(
            sums,
            [3],
            { values: [2], shape: [] },
            reduction === Reduction.SUM
              ? 'sum'
              : reduction === Reduction.MEAN
                ? 'mean'
                : reduction === Reduction.SUM_OVER_BATCH_SIZE
                  ? 'sum_over_batch_size'
                  : 'nonzero',
          ) as number,
        );
      });
    }
    tf.dispose([out, y]);
  });

  it('takes per-example weights and returns [B] sums with Reduction.NONE', () => {
    const out = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.zeros([2, 2]);
    const none = perExampleSquaredError(out, y, { reduction: Reduction.NONE });
    expect(Array.from(none.dataSync())).toEqual([5, 25]);
    const w = tf.tensor1d([0, 1]);
    expect(perExampleSquaredError(out, y, { weights: w }).dataSync()[0]).toBe(25);
    tf.dispose([out, y, none, w]);
  });
});

describe('result types', () => {
  it('a scalar by default, a tensor when the reduction may be NONE', () => {
    const p = tf.ones([2]);
    const s: tf.Scalar = meanSquaredError(p, p);
    const t: tf.Tensor = meanSquaredError(p, p, { reduction: Reduction.NONE });
    // @ts-expect-error an unreduced result is not typed as a scalar
    const u: tf.Scalar = absoluteDifference(p, p, { reduction: Reduction.NONE });
    const r = Reduction.SUM as Reduction;
    // @ts-expect-error a reduction only known at run time may be NONE
    const v: tf.Scalar = huberLoss(p, p, { reduction: r });
    expect([s.rank, t.rank, u.rank, v.rank]).toEqual([0, 1, 1, 0]);
    tf.dispose([p, s, t, u, v]);
  });
});
