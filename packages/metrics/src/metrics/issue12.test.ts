// The metrics added for issue 12: tiny cases checked by hand (the arithmetic is in the
// comments), and bad input (shapes, dtypes, NaN, out-of-range options) with clear errors.
import * as tf from '@tensorflow/tfjs-core';
import { BACKENDS, expectAllClose, expectClose, useBackend } from '../../test/helpers.js';
import { countBelow, hasSearchSorted } from '../core/search.js';
import * as M from '../index.js';
import { runEndSums } from './dynamic-auc.js';

const STYLE = /^[A-Za-z0-9.]+: expected .+, got .+\. .+\.$/s;
const t1 = (v: number[], dtype: 'float32' | 'int32' = 'float32') => tf.tensor1d(v, dtype);
const i1 = (v: number[]) => tf.tensor1d(v, 'int32');

async function value(m: M.Metric<tf.Rank, never>, ...args: unknown[]): Promise<unknown> {
  tf.tidy(() => (m as unknown as { update(...a: unknown[]): void }).update(...args));
  // Tensors made for the call are the caller's; free them here.
  tf.dispose(args.filter((a): a is tf.Tensor => a instanceof tf.Tensor && !a.isDisposed));
  const out = await m.resultArray();
  m.dispose();
  return out;
}

function error(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect((e as Error).message).toMatch(STYLE);
    return e as Error;
  }
  throw new Error('expected an error');
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect((e as Error).message).toMatch(STYLE);
    return e as Error;
  }
  throw new Error('expected a rejection');
}

// Scores of four examples; labels 0 0 1 1. Descending: 0.8 (+), 0.4 (-), 0.35 (+), 0.1 (-).
const P = [0.1, 0.4, 0.35, 0.8];
const Y = [0, 0, 1, 1];

describe.each(BACKENDS)('issue 12 metrics by hand on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  let before = 0;
  beforeEach(() => (before = tf.memory().numTensors));
  afterEach(() => expect(tf.memory().numTensors).toBe(before));

  it('meanPerClassAccuracy', async () => {
    // class 0: 1/1, class 1: 1/1, class 2: 1/2 -> 2.5 / 3
    expectClose(
      (await value(
        M.meanPerClassAccuracy({ numClasses: 3 }),
        i1([0, 1, 1, 2]),
        i1([0, 1, 2, 2]),
      )) as number,
      2.5 / 3,
    );
    // weights 1 1 2 0.5: class 2 is 0.5 / 2.5 = 0.2; class 3 never seen counts 0: 2.2 / 4
    expectClose(
      (await value(
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
      (await value(M.cohenKappa({ numClasses: 3 }), i1([0, 1, 2, 2]), i1([0, 1, 1, 2]))) as number,
      1.75 / 2.75,
    );
    expectClose(
      (await value(M.cohenKappa({ numClasses: 2 }), i1([0, 1]), i1([0, 1]))) as number,
      1,
    );
    // One class only: N - pe = 0 -> 0 (TF's safe division).
    expect(await value(M.cohenKappa({ numClasses: 2 }), i1([1, 1]), i1([1, 1]))).toBe(0);
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
      expectClose((await value(make({ k: 3 }), scores, labels)) as number, (0.25 + 1) / 2);
      expectClose((await value(make({ k: 3 }), scores, labels, [3, 1])) as number, 1.75 / 4);
    }
    // An id >= C never matches and is not counted: row 1 has one label, hit at rank 1.
    expectClose(
      (await value(M.averagePrecisionAtK({ k: 2 }), [[0.8, 0.1, 0.2, 0.3]], [[0, 7]])) as number,
      1,
    );
  });

  it('precisionAtTopK and recallAtTopK', async () => {
    const top = [
      [2, 0],
      [1, 3],
    ];
    // row 0: T {2, 0}, S {2}: tp 1, fp 1; row 1: T {1, 3}, S {0}: tp 0, fp 2
    expect(await value(M.precisionAtTopK({ k: 2 }), top, i1([2, 0]))).toBe(0.25);
    // S {2, 4} and {0}: tp 1, fn 2
    expectClose(
      (await value(M.recallAtTopK(), top, [
        [2, 4],
        [0, 0],
      ])) as number,
      1 / 3,
    );
    // Repeated ids count once: T {1}, S {1}: precision 1.
    expect(await value(M.precisionAtTopK(), [[1, 1, 1]], [1])).toBe(1);
  });

  it('sensitivityAtSpecificity, specificityAtSensitivity, precisionAtRecall, recallAtPrecision', async () => {
    // numThresholds 3: thresholds -1e-7, 0.5, 1 + 1e-7 (1 - 1e-7 for specificityAtSensitivity).
    // t0: tp 2 fp 2 tn 0 fn 0; t1: tp 1 fp 0 tn 2 fn 1; t2: tp 0 fp 0 tn 2 fn 2.
    // specificity ~ 0, 1, 1: closest to 0.9 first at t1 -> sensitivity 1 / 2.
    expectClose(
      (await value(
        M.sensitivityAtSpecificity({ specificity: 0.9, numThresholds: 3 }),
        P,
        Y,
      )) as number,
      0.5,
    );
    // sensitivity ~ 1, 0.5, 0: closest to 0.45 is t1 -> specificity 2 / 2.
    expectClose(
      (await value(
        M.specificityAtSensitivity({ sensitivity: 0.45, numThresholds: 3 }),
        P,
        Y,
      )) as number,
      1,
    );
    // recall >= 0.4 at t0 and t1: the last is t1 -> precision (1 + 1e-7) / (1 + 1e-7) = 1.
    expectClose(
      (await value(M.precisionAtRecall({ targetRecall: 0.4, numThresholds: 3 }), P, Y)) as number,
      1,
    );
    // precision ~ 0.5, 1, 0: closest to 1 is t1 -> recall 1 / 2.
    expectClose(
      (await value(M.recallAtPrecision({ precision: 1, numThresholds: 3 }), P, Y)) as number,
      0.5,
    );
    // strict: the smallest precision >= 0.6 is t1's; 0 when none reaches the target... none
    // is above 1 + 1e-7 here, so ask for 0.6 and get recall 1 / 2.
    expectClose(
      (await value(
        M.recallAtPrecision({ precision: 0.6, numThresholds: 3, strict: true }),
        P,
        Y,
      )) as number,
      0.5,
    );
  });

  it('falsePositiveRate and falseNegativeRate (and at thresholds)', async () => {
    // fp 1, tn 2 -> 1/3; fn 0, tp 1 -> 0
    expectClose((await value(M.falsePositiveRate(), [1, 1, 0, 0], [1, 0, 0, 0])) as number, 1 / 3);
    expect(await value(M.falseNegativeRate(), [1, 1, 0, 0], [1, 0, 0, 0])).toBe(0);
    // No negative label: 0, as slim's where(fp + tn > 0, ..., 0).
    expect(await value(M.falsePositiveRate(), [1, 0], [1, 1])).toBe(0);
    // > 0.3: 0.4 (-), 0.35 (+), 0.8 (+): fp 1 tn 1; fn 0 tp 2. > 0.5: fp 0 tn 2; fn 1 tp 1.
    expectAllClose(await value(M.falsePositiveRateAtThresholds({ thresholds: [0.3, 0.5] }), P, Y), [
      1 / (2 + 1e-7),
      0,
    ]);
    expectAllClose(await value(M.falseNegativeRateAtThresholds({ thresholds: [0.3, 0.5] }), P, Y), [
      0,
      1 / (2 + 1e-7),
    ]);
  });

  it('curvePoints', async () => {
    const eps = 1e-6;
    expectAllClose(await value(M.curvePoints({ numThresholds: 3 }), P, Y), [
      [2 / (2 + eps), 1],
      [0, (1 + eps) / (2 + eps)],
      [0, eps / (2 + eps)],
    ]);
    expectAllClose(await value(M.curvePoints({ numThresholds: 3, curve: 'PR' }), P, Y), [
      [1, (2 + eps) / (4 + eps)],
      [(1 + eps) / (2 + eps), 1],
      [eps / (2 + eps), 1],
    ]);
  });

  it('dynamicAuc', async () => {
    // ROC: 0.35 beats 0.1 only, 0.8 beats both: 3 of 4 pairs.
    expectClose((await value(M.dynamicAuc(), P, Y)) as number, 0.75);
    // PR points (0, 1) (0.5, 1) (0.5, 0.5) (1, 2/3) (1, 0.5): 0.5 + 0.5 * (0.5 + 2/3) / 2
    expectClose((await value(M.dynamicAuc({ curve: 'PR' }), P, Y)) as number, 0.5 + 7 / 24);
    // A tie between a positive and a negative is one point: half the area.
    expectClose((await value(M.dynamicAuc(), [0.5, 0.5], [0, 1])) as number, 0.5);
    // Weights: the positive 0.35 weighs 3, so it is 3 of the 4 positive weight.
    expectClose(
      (await value(M.dynamicAuc(), P, Y, [1, 1, 3, 1])) as number,
      (3 * 1 + 1 * 2) / (4 * 2),
    );
    // Scores (not probabilities) work; all labels alike -> 0; nothing seen -> 0.
    expectClose((await value(M.dynamicAuc(), [-3, 7, 2], [0, 1, 1])) as number, 1);
    expect(await value(M.dynamicAuc(), [0.2, 0.3], [1, 1])).toBe(0);
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

  it('pair forms', async () => {
    const [value_, update, metric] = M.streamingDynamicAuc();
    tf.tidy(() => update(t1(P), t1(Y)));
    const v = value_();
    expectClose((await v.data())[0] as number, 0.75);
    v.dispose();
    metric.dispose();
  });
});

describe.each(BACKENDS)('issue 12 metrics, bad input on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  let before = 0;
  beforeEach(() => (before = tf.memory().numTensors));
  afterEach(() => expect(tf.memory().numTensors).toBe(before));

  it.each([
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
  ] as const)('options: %s', (_name, make, message) => {
    expect(error(make).message).toMatch(message);
  });

  it('shapes and dtypes', () => {
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
        error(() =>
          tf.tidy(() => (m as unknown as { update(...a: unknown[]): void }).update(...args)),
        ).message,
      ).toMatch(message);
      m.dispose();
    }
    tf.dispose(
      cases.flatMap(([, args]) => args.filter((a): a is tf.Tensor => a instanceof tf.Tensor)),
    );
  });

  it('values: NaN and out-of-range predictions, non-binary labels, class ids out of range', async () => {
    for (const m of [
      M.sensitivityAtSpecificity({ specificity: 0.5 }),
      M.precisionAtRecall({ targetRecall: 0.5 }),
      M.curvePoints(),
      M.falsePositiveRateAtThresholds({ thresholds: [0.5] }),
    ] as M.Metric<tf.Rank>[]) {
      tf.tidy(() => m.update(t1([1.5, NaN, 0.5]), t1([0, 1, 1])));
      const e = await rejection(m.resultArray());
      expect(e.message).toMatch(
        /expected predictions in \[0, 1\] \(probabilities\) and weights >= 0, got 2 value\(s\)/,
      );
      m.dispose();
    }
    const auc = M.dynamicAuc();
    tf.tidy(() => auc.update(t1([0.1, NaN, 0.3]), t1([0, 2, 1])));
    const e = await rejection(auc.resultNumber());
    expect(e.message).toMatch(
      /^dynamicAuc\.update: expected labels that are 0 or 1, got 1 value\(s\)/,
    );
    auc.reset();
    tf.tidy(() => auc.update(t1([0.1, NaN]), t1([0, 1])));
    expect((await rejection(auc.resultNumber())).message).toMatch(/expected finite predictions/);
    auc.dispose();
    for (const m of [M.meanPerClassAccuracy({ numClasses: 3 }), M.cohenKappa({ numClasses: 3 })]) {
      tf.tidy(() => m.update(i1([0, 1]), i1([0, 3])));
      expect((await rejection(m.resultNumber())).message).toMatch(
        /class ids in \[0, 3\), got 1 value/,
      );
      m.dispose();
    }
  });

  it('concat maxSize: loadState refuses more than maxSize entries', () => {
    const m = M.concat({ maxSize: 2 });
    const big = t1([1, 2, 3]);
    const e = error(() => m.loadState({ values: big }));
    expect(e).toBeInstanceOf(M.MetricStateError);
    expect(e.message).toMatch(
      /^concat\.loadState: expected 'values' with at most maxSize = 2 entries along axis 0, got shape \[3\]/,
    );
    big.dispose();
    m.dispose();
  });
});
