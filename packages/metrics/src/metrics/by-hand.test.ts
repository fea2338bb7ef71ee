// Small cases worked out by hand, and TF's edge rules: what a metric reads before any data,
// with no positives, with a class absent, with one sample.
import * as tf from '@tensorflow/tfjs-core';
import {
  BACKENDS,
  expectAllClose,
  expectClose,
  rng,
  times,
  uniform,
  useBackend,
} from '../../test/helpers.js';
import { countsAt, exactRocAuc, aucFromCounts, tfThresholds } from '../../test/reference.js';
import { countBelow, hasSearchSorted } from '../core/search.js';
import * as M from '../index.js';
import * as slim from '../slim.js';
import { runEndSums } from './dynamic-auc.js';

const t1 = (v: number[], dtype: 'float32' | 'int32' = 'float32') => tf.tensor1d(v, dtype);
const i1 = (v: number[]) => tf.tensor1d(v, 'int32');

// Scores of four examples; labels 0 0 1 1. Descending: 0.8 (+), 0.4 (-), 0.35 (+), 0.1 (-).
const P = [0.1, 0.4, 0.35, 0.8];
const Y = [0, 0, 1, 1];

describe.each(BACKENDS)('by hand on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  let before = 0;
  beforeEach(() => (before = tf.memory().numTensors));
  afterEach(() => expect(tf.memory().numTensors).toBe(before));

  async function value(m: M.Metric<tf.Rank, never>): Promise<number> {
    const v = await m.resultNumber();
    m.dispose();
    return v;
  }

  /** The metric's value after one update with `args` (tensors made for the call are freed). */
  async function valueAfter(m: M.Metric<tf.Rank, never>, ...args: unknown[]): Promise<unknown> {
    tf.tidy(() => (m as unknown as { update(...a: unknown[]): void }).update(...args));
    tf.dispose(args.filter((a): a is tf.Tensor => a instanceof tf.Tensor && !a.isDisposed));
    const out = await m.resultArray();
    m.dispose();
    return out;
  }

  it('means read 0 before any update and when every weight is 0', async () => {
    expect(await value(M.mean())).toBe(0);
    const m = M.mean();
    tf.tidy(() => m.update(t1([1, 2, 3]), t1([0, 0, 0])));
    expect(await value(m)).toBe(0);
    expect(await value(M.accuracy())).toBe(0);
  });

  it('weights: scalar, [B] for [B, C] values (expanded), [B, 1] for [B] values (squeezed)', async () => {
    const a = M.mean();
    tf.tidy(() => a.update(t1([1, 2, 3]), 2));
    expect(await value(a)).toBeCloseTo(2, 6);
    const b = M.mean();
    tf.tidy(() =>
      b.update(
        tf.tensor2d([
          [1, 3],
          [10, 20],
        ]),
        t1([1, 0]),
      ),
    );
    expect(await value(b)).toBeCloseTo(2, 6);
    const c = M.mean();
    tf.tidy(() => c.update(t1([1, 5]), tf.tensor2d([[3], [1]])));
    expect(await value(c)).toBeCloseTo((3 + 5) / 4, 6);
  });

  it('precision is 0 with nothing predicted positive; recall is 0 with no positive label', async () => {
    const p = M.precision();
    tf.tidy(() => p.update(t1([0, 0, 0]), t1([1, 0, 1])));
    expect(await value(p)).toBe(0);
    const r = M.recall();
    tf.tidy(() => r.update(t1([1, 1, 0]), t1([0, 0, 0])));
    expect(await value(r)).toBe(0);
    expect(await value(M.precision())).toBe(0);
  });

  it('bool casting: any non-zero prediction is positive (TF), unless a threshold is given', async () => {
    const cast = M.truePositives();
    tf.tidy(() => cast.update(t1([0.5, 2, 0, -1]), t1([1, 1, 1, 1])));
    expect(await value(cast)).toBe(3);
    const thresholded = M.truePositives({ threshold: 0.5 });
    tf.tidy(() => thresholded.update(t1([0.5, 2, 0, -1]), t1([1, 1, 1, 1])));
    expect(await value(thresholded)).toBe(1);
    const ints = M.falseNegatives();
    tf.tidy(() => ints.update(t1([0, 2, 0], 'int32'), t1([3, 1, 0], 'int32')));
    expect(await value(ints)).toBe(1);
  });

  it('covariance and pearson are NaN while the count is <= 1', async () => {
    const one = M.covariance();
    tf.tidy(() => one.update(t1([3]), t1([4])));
    expect(await value(one)).toBeNaN();
    const weightOne = M.covariance();
    tf.tidy(() => weightOne.update(t1([1, 2]), t1([3, 5]), t1([0.5, 0.5])));
    expect(await value(weightOne)).toBeNaN();
    expect(await value(M.covariance())).toBeNaN();
    const r = M.pearsonCorrelation();
    tf.tidy(() => r.update(t1([1]), t1([2])));
    expect(await value(r)).toBeNaN();
    const two = M.covariance();
    tf.tidy(() => two.update(t1([1, 2, 3]), t1([2, 4, 7])));
    expect(await value(two)).toBeCloseTo(2.5, 5);
  });

  it('covariance merges batches exactly like one pass (Chan et al.), also across a count-1 batch', async () => {
    const m = M.covariance();
    tf.tidy(() => m.update(t1([1]), t1([2])));
    tf.tidy(() => m.update(t1([2, 3]), t1([4, 7])));
    expect(await value(m)).toBeCloseTo(2.5, 5);
    const perfect = M.pearsonCorrelation();
    tf.tidy(() => perfect.update(t1([1, 2]), t1([-2, -4])));
    tf.tidy(() => perfect.update(t1([3]), t1([-6])));
    expect(await value(perfect)).toBeCloseTo(-1, 5);
  });

  it('mean IoU averages only the classes present: labels [0,0,1,1], predictions [0,1,1,1], class 2 absent', async () => {
    const m = M.meanIou({ numClasses: 3 });
    tf.tidy(() => m.update(t1([0, 1, 1, 1], 'int32'), t1([0, 0, 1, 1], 'int32')));
    // class 0: 1 / (2 + 1 - 1) = 1/2; class 1: 2 / (2 + 3 - 2) = 2/3; class 2 absent
    expect(await value(m)).toBeCloseTo((1 / 2 + 2 / 3) / 2, 6);
    expect(await value(M.meanIou({ numClasses: 3 }))).toBe(0);
  });

  it('confusion matrix rows are labels, columns predictions, weighted', async () => {
    const m = M.confusionMatrix({ numClasses: 3 });
    tf.tidy(() =>
      m.update(t1([0, 2, 1, 1], 'int32'), t1([0, 1, 1, 1], 'int32'), t1([1, 2, 3, 0.5])),
    );
    expect(await m.resultArray()).toEqual([
      [1, 0, 0],
      [0, 3.5, 2],
      [0, 0, 0],
    ]);
    m.dispose();
  });

  it('AUC with 3 thresholds worked out by hand: [-1e-7, 0.5, 1+1e-7]', async () => {
    const m = M.auc({ numThresholds: 3 });
    tf.tidy(() => m.update(t1([0.2, 0.8]), t1([0, 1])));
    // thresholds: (tp,fp,tn,fn) = (1,1,0,0), (1,0,1,0), (0,0,1,1)
    // fpr = [1/(1+1e-6), 0, 0]; recall = [1, 1, 1e-6/(1+1e-6)]
    const expected = (1 / (1 + 1e-6)) * 1;
    expectClose(await value(m), expected, 1e-6);
  });

  it('ROC AUC with 200 thresholds is within 1% of the exact Mann-Whitney AUC', async () => {
    const r = rng(3);
    const labels = times(1000, () => (r() < 0.4 ? 1 : 0));
    const preds = labels.map((l) => Math.min(1, Math.max(0, uniform(r) * 0.8 + l * 0.25)));
    const m = M.auc();
    tf.tidy(() => m.update(t1(preds), t1(labels)));
    const got = await value(m);
    expect(Math.abs(got - exactRocAuc(preds, labels))).toBeLessThan(0.01);
    expectClose(got, aucFromCounts(countsAt(tfThresholds(200), preds, labels), 'ROC'), 1e-5);
  });

  it('AUC is ~1 for separable classes and ~0 when inverted; PR-AUC of all-positive labels is ~1', async () => {
    const sep = M.auc();
    tf.tidy(() => sep.update(t1([0.1, 0.2, 0.8, 0.9]), t1([0, 0, 1, 1])));
    expectClose(await value(sep), 1, 1e-5);
    const inv = M.auc();
    tf.tidy(() => inv.update(t1([0.9, 0.8, 0.2, 0.1]), t1([0, 0, 1, 1])));
    expectClose(await value(inv), 0, 1e-5);
    const pr = M.auc({ curve: 'PR' });
    tf.tidy(() => pr.update(t1([0.3, 0.6]), t1([1, 1])));
    expectClose(await value(pr), 1, 1e-5);
  });

  it('F1 at one threshold: 2PR/(P+R) with TF epsilons', async () => {
    const m = M.f1Score({ threshold: 0.5 });
    tf.tidy(() => m.update(t1([0.9, 0.8, 0.3, 0.6]), t1([1, 0, 1, 1])));
    const p = 2 / 3;
    const r = 2 / 3;
    expectClose(await value(m), (2 * p * r) / (p + r), 1e-5);
  });

  it('RMSE is the root of the whole stream, not the mean of per-batch roots', async () => {
    const m = M.rootMeanSquaredError();
    tf.tidy(() => m.update(t1([1]), t1([0])));
    tf.tidy(() => m.update(t1([3]), t1([0])));
    expect(await value(m)).toBeCloseTo(Math.sqrt(5), 5);
  });

  it('mean relative error is 0 where the normalizer is 0; a scalar normalizer broadcasts', async () => {
    const m = M.meanRelativeError();
    tf.tidy(() => m.update(t1([1, 2]), t1([2, 4]), t1([0, 4])));
    expect(await value(m)).toBeCloseTo((0 + 0.5) / 2, 6);
    const s = M.meanRelativeError();
    tf.tidy(() => s.update(t1([1, 2]), t1([2, 4]), 2));
    expect(await value(s)).toBeCloseTo((0.5 + 1) / 2, 6);
  });

  it('in_top_k: ties at the boundary are in, a non-finite score is a miss', async () => {
    const ties = M.recallAtK({ k: 1 });
    tf.tidy(() =>
      ties.update(
        tf.tensor2d([
          [1, 2, 2, 0],
          [1, 2, 2, 0],
        ]),
        t1([1, 2], 'int32'),
      ),
    );
    expect(await value(ties)).toBe(1);
    const miss = M.recallAtK({ k: 2 });
    tf.tidy(() => miss.update(tf.tensor2d([[1, 2, 2, 0]]), t1([0], 'int32')));
    expect(await value(miss)).toBe(0);
    const nan = M.topKAccuracy({ k: 3 });
    tf.tidy(() => nan.update(tf.tensor2d([[1, NaN, 0]]), t1([0], 'int32')));
    expect(await value(nan)).toBe(0);
  });

  it('sparse precision/recall@k: -1 padding is a miss for recall (TF), ignored by precision; NaN before data', async () => {
    const p = M.sparsePrecisionAtK({ k: 1 });
    const r = M.sparseRecallAtK({ k: 1 });
    for (const m of [p, r])
      tf.tidy(() =>
        m.update(tf.tensor2d([[0.1, 0.9, 0.5]]), tf.tensor2d([[1, -1]], [1, 2], 'int32')),
      );
    expect(await value(p)).toBe(1);
    expect(await value(r)).toBe(0.5);
    expect(await value(M.sparsePrecisionAtK({ k: 1 }))).toBeNaN();
    const absent = M.sparsePrecisionAtK({ k: 1, classId: 0 });
    tf.tidy(() => absent.update(tf.tensor2d([[0.1, 0.9, 0.5]]), t1([0], 'int32')));
    expect(await value(absent)).toBeNaN();
    const dup = M.sparseRecallAtK({ k: 2 });
    tf.tidy(() =>
      dup.update(tf.tensor2d([[0.1, 0.9, 0.5]]), tf.tensor2d([[1, 1, 0]], [1, 3], 'int32')),
    );
    expect(await value(dup)).toBe(0.5); // set {1, 0}: 1 retrieved, 0 not
  });

  it('meanTensor needs a batch before it has a shape; concat reads [] before data', async () => {
    const m = M.meanTensor();
    expect(() => m.result()).toThrow(
      /^meanTensor\.result: expected at least one update before reading a result, got none\. Call update\(\) first\.$/,
    );
    tf.tidy(() =>
      m.update(
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
      ),
    );
    tf.tidy(() =>
      m.update(
        tf.tensor2d([
          [3, 2],
          [1, 0],
        ]),
        tf.tensor2d([
          [1, 0],
          [3, 1],
        ]),
      ),
    );
    expectAllClose(await m.resultArray(), [
      [2, 2],
      [1.5, 2],
    ]);
    m.dispose();
    const c = M.concat();
    expect(await c.resultArray()).toEqual([]);
    tf.tidy(() => c.update(tf.tensor2d([[1, 2]])));
    tf.tidy(() =>
      c.update(
        tf.tensor2d([
          [3, 4],
          [5, 6],
        ]),
      ),
    );
    expect(await c.resultArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    c.dispose();
    const ax = M.concat({ axis: 1 });
    tf.tidy(() => ax.update(tf.tensor2d([[1], [2]])));
    tf.tidy(() => ax.update(tf.tensor2d([[3], [4]], [2, 1], 'float32')));
    expect(await ax.resultArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    ax.dispose();
  });

  it('concat keeps the dtype of what it is given', async () => {
    const c = M.concat();
    tf.tidy(() => c.update(t1([1, 2], 'int32')));
    const r = c.result();
    expect(r.dtype).toBe('int32');
    r.dispose();
    c.dispose();
  });

  it('mean cosine distance: orthogonal 1, equal 0, opposite 2', async () => {
    const m = M.meanCosineDistance({ dim: 1 });
    tf.tidy(() =>
      m.update(
        tf.tensor2d([
          [1, 0],
          [0, 1],
          [1, 0],
        ]),
        tf.tensor2d([
          [0, 1],
          [0, 1],
          [-1, 0],
        ]),
      ),
    );
    expect(await value(m)).toBeCloseTo(1 - (0 + 1 - 1) / 3, 6);
  });

  it('meanPerClassAccuracy', async () => {
    // class 0: 1/1, class 1: 1/1, class 2: 1/2 -> 2.5 / 3
    expectClose(
      (await valueAfter(
        M.meanPerClassAccuracy({ numClasses: 3 }),
        i1([0, 1, 1, 2]),
        i1([0, 1, 2, 2]),
      )) as number,
      2.5 / 3,
    );
    // weights 1 1 2 0.5: class 2 is 0.5 / 2.5 = 0.2; class 3 never seen counts 0: 2.2 / 4
    expectClose(
      (await valueAfter(
        M.meanPerClassAccuracy({ numClasses: 4 }),
        i1([0, 1, 1, 2]),
        i1([0, 1, 2, 2]),
        t1([1, 1, 2, 0.5]),
      )) as number,
      0.55,
    );
  });

  it('cohenKappa', async () => {
    // rows (labels) [1,0,0],[0,1,1],[0,0,1]: po 3, N 4, pe (1*1 + 2*1 + 1*2) / 4 = 1.25
    expectClose(
      (await valueAfter(
        M.cohenKappa({ numClasses: 3 }),
        i1([0, 1, 2, 2]),
        i1([0, 1, 1, 2]),
      )) as number,
      1.75 / 2.75,
    );
    expectClose(
      (await valueAfter(M.cohenKappa({ numClasses: 2 }), i1([0, 1]), i1([0, 1]))) as number,
      1,
    );
    // One class only: N - pe = 0 -> 0 (TF's safe division).
    expect(await valueAfter(M.cohenKappa({ numClasses: 2 }), i1([1, 1]), i1([1, 1]))).toBe(0);
  });

  it('count', async () => {
    const n = M.count();
    tf.tidy(() => n.update(tf.zeros([4, 3]))); // 12
    tf.tidy(() => n.update(tf.zeros([2, 3]), [1, 0.5])); // + 3 * 1.5
    expect(await n.resultNumber()).toBe(16.5);
    n.dispose();
  });

  it('averagePrecisionAtK and sparseAveragePrecisionAtK', async () => {
    const scores = [
      [0.1, 0.9, 0.5, 0.3], // ranks 1, 2, 3: labels {2, 0}: hit at rank 2 -> (1/2) / min(2, 3)
      [0.8, 0.1, 0.2, 0.3], // ranks 0, 3, 2: labels {0, 3}: hits at 1, 2 -> (1 + 1) / 2
    ];
    const labels = [
      [2, 0],
      [0, 3],
    ];
    for (const make of [M.averagePrecisionAtK, M.sparseAveragePrecisionAtK]) {
      expectClose((await valueAfter(make({ k: 3 }), scores, labels)) as number, (0.25 + 1) / 2);
      expectClose((await valueAfter(make({ k: 3 }), scores, labels, [3, 1])) as number, 1.75 / 4);
    }
    // An id >= C never matches and is not counted: row 1 has one label, hit at rank 1.
    expectClose(
      (await valueAfter(
        M.averagePrecisionAtK({ k: 2 }),
        [[0.8, 0.1, 0.2, 0.3]],
        [[0, 7]],
      )) as number,
      1,
    );
  });

  it('precisionAtTopK and recallAtTopK', async () => {
    const top = [
      [2, 0],
      [1, 3],
    ];
    // row 0: T {2, 0}, S {2}: tp 1, fp 1; row 1: T {1, 3}, S {0}: tp 0, fp 2
    expect(await valueAfter(M.precisionAtTopK({ k: 2 }), top, i1([2, 0]))).toBe(0.25);
    // S {2, 4} and {0}: tp 1, fn 2
    expectClose(
      (await valueAfter(M.recallAtTopK(), top, [
        [2, 4],
        [0, 0],
      ])) as number,
      1 / 3,
    );
    // Repeated ids count once: T {1}, S {1}: precision 1.
    expect(await valueAfter(M.precisionAtTopK(), [[1, 1, 1]], [1])).toBe(1);
  });

  it('sensitivityAtSpecificity, specificityAtSensitivity, precisionAtRecall, recallAtPrecision', async () => {
    // numThresholds 3: thresholds -1e-7, 0.5, 1 + 1e-7 (1 - 1e-7 for specificityAtSensitivity).
    // t0: tp 2 fp 2 tn 0 fn 0; t1: tp 1 fp 0 tn 2 fn 1; t2: tp 0 fp 0 tn 2 fn 2.
    // specificity ~ 0, 1, 1: closest to 0.9 first at t1 -> sensitivity 1 / 2.
    expectClose(
      (await valueAfter(
        M.sensitivityAtSpecificity({ specificity: 0.9, numThresholds: 3 }),
        P,
        Y,
      )) as number,
      0.5,
    );
    // sensitivity ~ 1, 0.5, 0: closest to 0.45 is t1 -> specificity 2 / 2.
    expectClose(
      (await valueAfter(
        M.specificityAtSensitivity({ sensitivity: 0.45, numThresholds: 3 }),
        P,
        Y,
      )) as number,
      1,
    );
    // recall >= 0.4 at t0 and t1: the last is t1 -> precision (1 + 1e-7) / (1 + 1e-7) = 1.
    expectClose(
      (await valueAfter(
        M.precisionAtRecall({ targetRecall: 0.4, numThresholds: 3 }),
        P,
        Y,
      )) as number,
      1,
    );
    // precision ~ 0.5, 1, 0: closest to 1 is t1 -> recall 1 / 2.
    expectClose(
      (await valueAfter(M.recallAtPrecision({ precision: 1, numThresholds: 3 }), P, Y)) as number,
      0.5,
    );
    // strict: the smallest precision >= 0.6 is t1's; 0 when none reaches the target... none
    // is above 1 + 1e-7 here, so ask for 0.6 and get recall 1 / 2.
    expectClose(
      (await valueAfter(
        M.recallAtPrecision({ precision: 0.6, numThresholds: 3, strict: true }),
        P,
        Y,
      )) as number,
      0.5,
    );
  });

  it('falsePositiveRate and falseNegativeRate (and at thresholds)', async () => {
    // fp 1, tn 2 -> 1/3; fn 0, tp 1 -> 0
    expectClose(
      (await valueAfter(M.falsePositiveRate(), [1, 1, 0, 0], [1, 0, 0, 0])) as number,
      1 / 3,
    );
    expect(await valueAfter(M.falseNegativeRate(), [1, 1, 0, 0], [1, 0, 0, 0])).toBe(0);
    // No negative label: 0, as slim's where(fp + tn > 0, ..., 0).
    expect(await valueAfter(M.falsePositiveRate(), [1, 0], [1, 1])).toBe(0);
    // > 0.3: 0.4 (-), 0.35 (+), 0.8 (+): fp 1 tn 1; fn 0 tp 2. > 0.5: fp 0 tn 2; fn 1 tp 1.
    expectAllClose(
      await valueAfter(M.falsePositiveRateAtThresholds({ thresholds: [0.3, 0.5] }), P, Y),
      [1 / (2 + 1e-7), 0],
    );
    expectAllClose(
      await valueAfter(M.falseNegativeRateAtThresholds({ thresholds: [0.3, 0.5] }), P, Y),
      [0, 1 / (2 + 1e-7)],
    );
  });

  it('curvePoints', async () => {
    const eps = 1e-6;
    expectAllClose(await valueAfter(M.curvePoints({ numThresholds: 3 }), P, Y), [
      [2 / (2 + eps), 1],
      [0, (1 + eps) / (2 + eps)],
      [0, eps / (2 + eps)],
    ]);
    expectAllClose(await valueAfter(M.curvePoints({ numThresholds: 3, curve: 'PR' }), P, Y), [
      [1, (2 + eps) / (4 + eps)],
      [(1 + eps) / (2 + eps), 1],
      [eps / (2 + eps), 1],
    ]);
  });

  it('dynamicAuc', async () => {
    // ROC: 0.35 beats 0.1 only, 0.8 beats both: 3 of 4 pairs.
    expectClose((await valueAfter(M.dynamicAuc(), P, Y)) as number, 0.75);
    // PR points (0, 1) (0.5, 1) (0.5, 0.5) (1, 2/3) (1, 0.5): 0.5 + 0.5 * (0.5 + 2/3) / 2
    expectClose((await valueAfter(M.dynamicAuc({ curve: 'PR' }), P, Y)) as number, 0.5 + 7 / 24);
    // A tie between a positive and a negative is one point: half the area.
    expectClose((await valueAfter(M.dynamicAuc(), [0.5, 0.5], [0, 1])) as number, 0.5);
    // Weights: the positive 0.35 weighs 3, so it is 3 of the 4 positive weight.
    expectClose(
      (await valueAfter(M.dynamicAuc(), P, Y, [1, 1, 3, 1])) as number,
      (3 * 1 + 1 * 2) / (4 * 2),
    );
    // Scores (not probabilities) work; all labels alike -> 0; nothing seen -> 0.
    expectClose((await valueAfter(M.dynamicAuc(), [-3, 7, 2], [0, 1, 1])) as number, 1);
    expect(await valueAfter(M.dynamicAuc(), [0.2, 0.3], [1, 1])).toBe(0);
    const empty = M.dynamicAuc();
    expect(await empty.resultNumber()).toBe(0);
    empty.dispose();
  });

  it('concat maxSize keeps the first maxSize entries, in update and merge', async () => {
    const a = M.concat({ maxSize: 2 });
    tf.tidy(() => a.update(t1([1, 2, 3])));
    tf.tidy(() => a.update(t1([4])));
    expect(await a.resultArray()).toEqual([1, 2]);
    const b = M.concat({ maxSize: 3, axis: 1 });
    tf.tidy(() =>
      b.update(
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
      ),
    );
    const c = M.concat({ maxSize: 3, axis: 1 });
    tf.tidy(() =>
      c.update(
        tf.tensor2d([
          [5, 6],
          [7, 8],
        ]),
      ),
    );
    b.merge(c);
    expect(await b.resultArray()).toEqual([
      [1, 2, 5],
      [3, 4, 7],
    ]);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('without a SearchSorted kernel (tfjs-node) the fallbacks give the same counts', async () => {
    // Both paths where the backend has the kernel; the fallback alone where it does not.
    const paths = hasSearchSorted() ? [true, false] : [false];
    const sorted = t1([0.2, 0.5, 0.5, 0.8]);
    // NaN counts 0 on the 'left' side, which the threshold metrics use.
    const cases = [
      ['left', [0.1, 0.2, 0.5, 0.6, 0.8, 0.9, NaN], [0, 0, 1, 3, 3, 4, 0]],
      ['right', [0.1, 0.2, 0.5, 0.6, 0.8, 0.9], [0, 1, 3, 3, 4, 4]],
    ] as const;
    for (const [side, v, expected] of cases) {
      for (const useKernel of paths) {
        const out = tf.tidy(() =>
          countBelow(sorted as tf.Tensor1D, t1([...v]) as tf.Tensor1D, side, useKernel),
        );
        expect(await out.array()).toEqual(expected);
        out.dispose();
      }
    }
    // Descending with runs [0.9] [0.5 0.5 0.5] [0.2 0.2]: sums at each run's end.
    const desc = t1([0.9, 0.5, 0.5, 0.5, 0.2, 0.2]);
    const x = t1([1, 2, 3, 4, 5, 6]);
    for (const useKernel of paths) {
      const out = tf.tidy(() => runEndSums(desc as tf.Tensor1D, useKernel)(x));
      expect(await out.array()).toEqual([0, 1, 10, 10, 10, 21, 21]);
      out.dispose();
    }
    tf.dispose([sorted, desc, x]);
  });

  it("slim's pair form: streamingDynamicAuc from @tfslim/metrics/slim", async () => {
    const [value_, update, metric] = slim.streamingDynamicAuc();
    tf.tidy(() => update(t1(P), t1(Y)));
    const v = value_();
    expectClose((await v.data())[0] as number, 0.75);
    v.dispose();
    metric.dispose();
  });
});
