// Bad input gives one style of error: shapes, dtypes and options fail in update or at creation;
// value checks needing a host read make result() throw, so update never syncs.
import * as tf from '@tensorflow/tfjs-core';
import { BACKENDS, ERROR_STYLE, errorOf, rejectionOf, useBackend } from '../../test/helpers.js';
import * as M from '../index.js';

const t1 = (v: number[], dtype: 'float32' | 'int32' = 'float32') => tf.tensor1d(v, dtype);
const i1 = (v: number[]) => tf.tensor1d(v, 'int32');

describe.each(BACKENDS)('bad input on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  let before = 0;
  beforeEach(() => (before = tf.memory().numTensors));
  afterEach(() => expect(tf.memory().numTensors).toBe(before));

  it('shape mismatch between predictions and labels', () => {
    const m = M.meanSquaredError();
    const e = errorOf(() => tf.tidy(() => m.update(t1([1, 2, 3]), t1([1, 2]))));
    expect(e).toBeInstanceOf(M.MetricInputError);
    expect(e.message).toBe(
      "meanSquaredError.update: expected labels with the predictions' shape [3], got [2]. Pass one value per prediction (a trailing dimension of 1 is squeezed).",
    );
    const acc = M.accuracy();
    expect(errorOf(() => tf.tidy(() => acc.update(t1([1, 2, 3]), t1([1, 2])))).message).toMatch(
      /do not pair/,
    );
    m.dispose();
    acc.dispose();
  });

  it('weights that do not broadcast', () => {
    const m = M.mean();
    const e = errorOf(() => tf.tidy(() => m.update(tf.zeros([2, 3]), tf.zeros([3, 2]))));
    expect(e.message).toMatch(
      /^mean\.update: expected weights broadcastable to the values' shape \[2,3\] .*got \[3,2\]\. Reshape the weights/,
    );
    expect(errorOf(() => tf.tidy(() => m.update(tf.zeros([4]), tf.zeros([3])))).message).toMatch(
      /got \[3\]/,
    );
    m.dispose();
  });

  it('rank mismatch for categorical inputs, dtype string, disposed tensors, missing arguments', () => {
    const m = M.categoricalAccuracy();
    expect(
      errorOf(() => tf.tidy(() => m.update(tf.zeros([2, 3, 4]), tf.zeros([2, 3])))).message,
    ).toMatch(/^categoricalAccuracy\.update: expected one-hot labels/);
    const acc = M.accuracy();
    const strings = tf.tensor(['a', 'b']);
    expect(errorOf(() => acc.update(strings, strings)).message).toBe(
      'accuracy.update: expected predictions of a numeric or bool dtype, got string. Convert it to numbers first.',
    );
    strings.dispose();
    const gone = t1([1]);
    gone.dispose();
    expect(errorOf(() => acc.update(gone, [1])).message).toMatch(
      /expected predictions as a live tensor, got a disposed one/,
    );
    expect(errorOf(() => (acc.update as (...a: unknown[]) => void)([1])).message).toMatch(
      /^accuracy\.update: expected labels as a tensor or array, got undefined/,
    );
    m.dispose();
    acc.dispose();
  });

  it('labels out of range for numClasses: NaN result, then a clear error from resultNumber(); reset clears it', async () => {
    const m = M.meanIou({ numClasses: 3 });
    tf.tidy(() => m.update(t1([0, 1, 2, 1], 'int32'), t1([0, 3, 2, -1], 'int32')));
    const r = m.result();
    expect((await r.data())[0]).toBeNaN();
    r.dispose();
    const e = await rejectionOf(m.resultNumber());
    expect(e).toBeInstanceOf(M.MetricInputError);
    expect(e.message).toBe(
      'meanIou.update: expected labels and predictions that are class ids in [0, 3), got 2 value(s) outside that since the last reset. Fix the ids (they start at 0) or raise numClasses.',
    );
    m.reset();
    tf.tidy(() => m.update(t1([0, 1], 'int32'), t1([0, 1], 'int32')));
    expect(await m.resultNumber()).toBe(1);
    m.dispose();

    const cm = M.confusionMatrix({ numClasses: 2 });
    tf.tidy(() => cm.update(t1([5], 'int32'), t1([0], 'int32')));
    await rejectionOf(cm.resultArray());
    cm.dispose();
  });

  it('1-based labels with 10 score columns (label 10): result() throws naming the id, the update call and the range', async () => {
    for (const make of [
      () => M.sparseCategoricalAccuracy(),
      () => M.topKAccuracy({ k: 2 }),
      () => M.recallAtK({ k: 3 }),
    ]) {
      const m = make();
      tf.tidy(() => m.update(tf.zeros([2, 10]), t1([1, 2], 'int32')));
      tf.tidy(() => m.update(tf.zeros([3, 10]), t1([3, 10, 12], 'int32')));
      tf.tidy(() => m.update(tf.zeros([1, 10]), t1([-1], 'int32')));
      const e = errorOf(() => m.result());
      expect(e).toBeInstanceOf(M.MetricInputError);
      expect(e.message).toBe(
        `${m.kind}.result: expected labels in [0, 10), got 10 at index 1 of update call 2 (3 id(s) out of range since the last reset). Fix the labels (ids start at 0) or the number of prediction columns, then reset().`,
      );
      expect((await rejectionOf(m.resultNumber())).message).toBe(e.message);
      // The record survives state() / loadState().
      const saved = m.state();
      const copy = make();
      copy.loadState(saved);
      tf.dispose(Object.values(saved));
      expect(errorOf(() => copy.result()).message).toBe(e.message);
      // Merged shards count update calls of this shard first, then the other's.
      const clean = make();
      tf.tidy(() => clean.update(tf.zeros([1, 10]), t1([0], 'int32')));
      clean.merge(m);
      expect(errorOf(() => clean.result()).message).toMatch(
        /got 10 at index 1 of update call 3 \(3 id\(s\)/,
      );
      m.reset();
      tf.tidy(() => m.update(tf.zeros([2, 10]), t1([0, 9], 'int32')));
      expect(await m.resultNumber()).toBeGreaterThanOrEqual(0);
      [m, copy, clean].forEach((x) => x.dispose());
    }
  });

  it('float class ids are truncated as TF casts them; a first bad id in a later row is found', () => {
    const m = M.sparseCategoricalAccuracy();
    tf.tidy(() => m.update(tf.zeros([4, 3]), t1([0, 2.5, 1, 7.9])));
    expect(errorOf(() => m.result()).message).toMatch(/got 7 at index 3 of update call 1 \(1 id/);
    m.dispose();
  });

  it('AUC, F1 and the threshold metrics refuse logits (predictions outside [0, 1] or NaN)', async () => {
    for (const m of [
      M.auc(),
      M.f1Score(),
      M.precisionAtThresholds({ thresholds: [0.5] }),
    ] as M.Metric<tf.Rank, never>[]) {
      tf.tidy(() => (m as M.Metric<tf.Rank>).update(t1([-2.5, 0.5, 3, NaN]), t1([0, 1, 1, 0])));
      const e = await rejectionOf(m.resultArray());
      expect(e.message).toMatch(
        /expected predictions in \[0, 1\] \(probabilities\) and weights >= 0, got 3 value\(s\).*Apply tf\.sigmoid/,
      );
      m.dispose();
    }
  });

  it('meanTensor and concat refuse a batch of another shape', () => {
    const m = M.meanTensor();
    tf.tidy(() => m.update(t1([1, 2])));
    expect(errorOf(() => tf.tidy(() => m.update(t1([1, 2, 3])))).message).toBe(
      'meanTensor.update: expected values of the shape seen so far ([2]), got [3]. Keep every batch the same shape, or reset() first.',
    );
    m.dispose();
    const c = M.concat();
    tf.tidy(() => c.update(tf.zeros([2, 3])));
    expect(errorOf(() => tf.tidy(() => c.update(tf.zeros([2, 4])))).message).toMatch(
      /^concat\.update: expected values shaped like \[2,3\] apart from axis 0/,
    );
    expect(errorOf(() => tf.tidy(() => c.update(tf.zeros([2, 3], 'int32')))).message).toMatch(
      /dtype float32/,
    );
    c.dispose();
  });

  it('sparse @k: k larger than the number of classes, labels of another batch size', () => {
    const m = M.sparseRecallAtK({ k: 4 });
    expect(
      errorOf(() => tf.tidy(() => m.update(tf.zeros([2, 3]), t1([0, 1], 'int32')))).message,
    ).toMatch(/expected k <= numClasses \(3, the predictions' last dimension\), got k = 4/);
    const p = M.sparsePrecisionAtK({ k: 1 });
    expect(
      errorOf(() => tf.tidy(() => p.update(tf.zeros([2, 3]), t1([0, 1, 2], 'int32')))).message,
    ).toMatch(/sharing the leading dimensions/);
    m.dispose();
    p.dispose();
  });

  it('meanCosineDistance with a dim outside the inputs', () => {
    const m = M.meanCosineDistance({ dim: 2 });
    expect(
      errorOf(() => tf.tidy(() => m.update(tf.zeros([2, 3]), tf.zeros([2, 3])))).message,
    ).toMatch(/expected inputs with an axis 2, got shape \[2,3\]/);
    m.dispose();
  });

  it('ranking, class and curve metrics: shapes and dtypes', () => {
    const cases: [M.Metric<tf.Rank, never>, unknown[], RegExp][] = [
      [
        M.meanPerClassAccuracy({ numClasses: 3 }),
        [i1([0, 1]), i1([0])],
        /labels with the predictions' shape \[2\], got \[1\]/,
      ],
      [
        M.cohenKappa({ numClasses: 3 }),
        [tf.tensor(['a']), i1([0])],
        /predictions of a numeric or bool dtype, got string/,
      ],
      [
        M.count() as M.Metric<tf.Rank, never>,
        [tf.zeros([2, 3]), tf.zeros([3])],
        /weights broadcastable to the values' shape \[2,3\]/,
      ],
      [
        M.averagePrecisionAtK({ k: 5 }),
        [tf.zeros([2, 4]), i1([0, 1])],
        /k <= numClasses \(4, the predictions' last dimension\), got k = 5/,
      ],
      [
        M.averagePrecisionAtK({ k: 2 }),
        [tf.zeros([4]), i1([0, 1, 2, 3])],
        /scores \[\.\.\., numClasses\] with labels/,
      ],
      [
        M.precisionAtTopK({ k: 3 }),
        [tf.zeros([2, 2], 'int32'), i1([0, 1])],
        /top-k ids with k = 3 in the last dimension, got predictions \[2,2\]/,
      ],
      [
        M.recallAtTopK(),
        [tf.zeros([2, 2], 'int32'), i1([0, 1, 2])],
        /top-k class ids \[\.\.\., k\] with labels/,
      ],
      [
        M.sensitivityAtSpecificity({ specificity: 0.5 }),
        [t1([0.5]), t1([1, 0])],
        /labels with the predictions' shape/,
      ],
      [
        M.dynamicAuc(),
        [t1([0.5, 0.2]), t1([1])],
        /labels with the predictions' shape \[2\], got \[1\]/,
      ],
      [M.falsePositiveRate(), [t1([1, 0]), t1([1, 0]), tf.zeros([3])], /weights broadcastable/],
    ];
    for (const [m, args, message] of cases) {
      expect(
        errorOf(() =>
          tf.tidy(() => (m as unknown as { update(...a: unknown[]): void }).update(...args)),
        ).message,
      ).toMatch(message);
      m.dispose();
    }
    tf.dispose(
      cases.flatMap(([, args]) => args.filter((a): a is tf.Tensor => a instanceof tf.Tensor)),
    );
  });

  it('ranking, class and curve metrics: NaN and out-of-range predictions, non-binary labels, class ids out of range', async () => {
    for (const m of [
      M.sensitivityAtSpecificity({ specificity: 0.5 }),
      M.precisionAtRecall({ targetRecall: 0.5 }),
      M.curvePoints(),
      M.falsePositiveRateAtThresholds({ thresholds: [0.5] }),
    ] as M.Metric<tf.Rank>[]) {
      tf.tidy(() => m.update(t1([1.5, NaN, 0.5]), t1([0, 1, 1])));
      const e = await rejectionOf(m.resultArray());
      expect(e.message).toMatch(
        /expected predictions in \[0, 1\] \(probabilities\) and weights >= 0, got 2 value\(s\)/,
      );
      m.dispose();
    }
    const auc = M.dynamicAuc();
    tf.tidy(() => auc.update(t1([0.1, NaN, 0.3]), t1([0, 2, 1])));
    const e = await rejectionOf(auc.resultNumber());
    expect(e.message).toMatch(
      /^dynamicAuc\.update: expected labels that are 0 or 1, got 1 value\(s\)/,
    );
    auc.reset();
    tf.tidy(() => auc.update(t1([0.1, NaN]), t1([0, 1])));
    expect((await rejectionOf(auc.resultNumber())).message).toMatch(/expected finite predictions/);
    auc.dispose();
    for (const m of [M.meanPerClassAccuracy({ numClasses: 3 }), M.cohenKappa({ numClasses: 3 })]) {
      tf.tidy(() => m.update(i1([0, 1]), i1([0, 3])));
      expect((await rejectionOf(m.resultNumber())).message).toMatch(
        /class ids in \[0, 3\), got 1 value/,
      );
      m.dispose();
    }
  });

  it('concat maxSize: loadState refuses more than maxSize entries', () => {
    const m = M.concat({ maxSize: 2 });
    const big = t1([1, 2, 3]);
    const e = errorOf(() => m.loadState({ values: big }));
    expect(e).toBeInstanceOf(M.MetricStateError);
    expect(e.message).toMatch(
      /^concat\.loadState: expected 'values' with at most maxSize = 2 entries along axis 0, got shape \[3\]/,
    );
    big.dispose();
    m.dispose();
  });
});

describe('bad options', () => {
  it.each([
    [
      'auc curve',
      () => M.auc({ curve: 'roc' as 'ROC' }),
      /^auc: expected curve to be one of 'ROC', 'PR', got 'roc'\. Use one of those\.$/,
    ],
    [
      'auc summation',
      () => M.auc({ summationMethod: 'careful_interpolation' as 'trapezoidal' }),
      /'carefulInterpolation'/,
    ],
    [
      'auc numThresholds',
      () => M.auc({ numThresholds: 1 }),
      /expected numThresholds as an integer >= 2, got 1/,
    ],
    [
      'auc thresholds',
      () => M.auc({ thresholds: [] }),
      /expected thresholds as a non-empty array of finite numbers, got \[\]/,
    ],
    ['thresholds NaN', () => M.truePositivesAtThresholds({ thresholds: [NaN] }), /got \[null\]/],
    [
      'f1 both',
      () => M.f1Score({ threshold: 0.5, thresholds: [0.5] }),
      /expected threshold or thresholds, got both/,
    ],
    [
      'topK k',
      () => M.topKAccuracy({ k: 0 }),
      /^topKAccuracy: expected k as a positive integer, got 0/,
    ],
    [
      'meanIou numClasses',
      () => M.meanIou({ numClasses: 2.5 }),
      /expected numClasses as a positive integer, got 2\.5/,
    ],
    [
      'missing numClasses',
      () => M.confusionMatrix(undefined as unknown as { numClasses: number }),
      /got undefined/,
    ],
    [
      'percentageLess',
      () => M.percentageLess({} as { threshold: number }),
      /expected a threshold number, got undefined/,
    ],
    [
      'cosine dim',
      () => M.meanCosineDistance({} as { dim: number }),
      /expected dim as an integer axis/,
    ],
    [
      'binary threshold',
      () => M.binaryAccuracy({ threshold: NaN }),
      /expected threshold as a finite number/,
    ],
    [
      'precision threshold',
      () => M.precision({ threshold: Infinity }),
      /expected threshold as a finite number or absent/,
    ],
    [
      'classId',
      () => M.sparseRecallAtK({ k: 1, classId: 0.5 }),
      /expected classId as an integer class id/,
    ],
    ['concat axis', () => M.concat({ axis: -1 }), /expected axis as a non-negative integer/],
    [
      'meanPerClassAccuracy numClasses 0',
      () => M.meanPerClassAccuracy({ numClasses: 0 }),
      /numClasses as a positive integer, got 0/,
    ],
    [
      'cohenKappa numClasses 1',
      () => M.cohenKappa({ numClasses: 1 }),
      /^cohenKappa: expected numClasses >= 2, got 1/,
    ],
    ['averagePrecisionAtK k 0', () => M.averagePrecisionAtK({ k: 0 }), /k as a positive integer/],
    [
      'precisionAtTopK k 1.5',
      () => M.precisionAtTopK({ k: 1.5 }),
      /k as a positive integer, got 1.5/,
    ],
    ['recallAtTopK classId 0.5', () => M.recallAtTopK({ classId: 0.5 }), /classId as an integer/],
    [
      'specificity 1.5',
      () => M.sensitivityAtSpecificity({ specificity: 1.5 }),
      /specificity as a number in \[0, 1\], got 1.5/,
    ],
    ['sensitivity NaN', () => M.specificityAtSensitivity({ sensitivity: NaN }), /got NaN/],
    [
      'targetRecall missing',
      () => M.precisionAtRecall({} as never),
      /targetRecall as a number in \[0, 1\], got undefined/,
    ],
    ['precision -0.1', () => M.recallAtPrecision({ precision: -0.1 }), /got -0.1/],
    [
      'numThresholds 1',
      () => M.sensitivityAtSpecificity({ specificity: 0.5, numThresholds: 1 }),
      /numThresholds as an integer >= 2, got 1/,
    ],
    [
      'curve XY',
      () => M.curvePoints({ curve: 'XY' as never }),
      /curve to be one of 'ROC', 'PR', got 'XY'/,
    ],
    ['dynamicAuc curve', () => M.dynamicAuc({ curve: 'roc' as never }), /got 'roc'/],
    [
      'fpr threshold NaN',
      () => M.falsePositiveRate({ threshold: NaN }),
      /threshold as a finite number/,
    ],
    [
      'fnr thresholds empty',
      () => M.falseNegativeRateAtThresholds({ thresholds: [] }),
      /non-empty array/,
    ],
    [
      'concat maxSize 0',
      () => M.concat({ maxSize: 0 }),
      /^concat: expected maxSize as a positive integer, got 0/,
    ],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(M.MetricInputError);
    expect(make).toThrow(message);
    expect(() => make()).toThrow(ERROR_STYLE);
  });
});

describe('state misuse', () => {
  beforeAll(() => useBackend('cpu'));

  it('loadState: unknown, missing or misshapen state', () => {
    const m = M.auc({ numThresholds: 10 });
    const e = errorOf(() => m.loadState({ total: tf.scalar(1) }));
    expect(e).toBeInstanceOf(M.MetricStateError);
    expect(e.message).toMatch(
      /^auc\.loadState: expected state names tp, fp, tn, fn, invalid, got unknown total/,
    );
    const s = m.state();
    delete (s as Record<string, tf.Tensor>)['fn'];
    expect(errorOf(() => m.loadState(s)).message).toMatch(/expected state 'fn', got none/);
    s['fn'] = tf.zeros([9]);
    expect(errorOf(() => m.loadState(s)).message).toMatch(
      /expected 'fn' of shape \[10\], got \[9\]/,
    );
    tf.dispose(Object.values(s));
    m.dispose();
  });

  it('merge: another kind of metric, or other options', () => {
    const a = M.auc();
    expect(errorOf(() => a.merge(M.precision())).message).toMatch(
      /^auc\.merge: expected another auc metric, got precision/,
    );
    const b = M.auc({ curve: 'PR' });
    expect(errorOf(() => a.merge(b)).message).toMatch(/^auc\.merge: expected the same options/);
    a.dispose();
    b.dispose();
  });

  it('use after dispose; resultNumber on a tensor-valued metric', async () => {
    const m = M.mean();
    m.dispose();
    m.dispose(); // idempotent
    expect(errorOf(() => m.update(t1([1]))).message).toBe(
      'mean.update: expected a live metric, got one already disposed. Create a new metric.',
    );
    expect(() => m.result()).toThrow(M.MetricStateError);
    const cm = M.confusionMatrix({ numClasses: 2 });
    const e = await rejectionOf(cm.resultNumber());
    expect(e.message).toMatch(
      /expected a scalar result, got shape \[2,2\]\. Use resultArray\(\) or result\(\)/,
    );
    cm.dispose();
  });
});
