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
import * as M from '../index.js';

const t1 = (v: number[], dtype: 'float32' | 'int32' = 'float32') => tf.tensor1d(v, dtype);

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
});
