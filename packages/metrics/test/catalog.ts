// Every metric with a batch generator (plain JS arrays) and an independent reference
// (test/reference.ts) evaluated on all the batches seen. Table-driven suites use it.
import type * as tf from '@tensorflow/tfjs-core';
import * as M from '../src/index.js';
import { randInt, times, uniform, type Rng } from './helpers.js';
import * as R from './reference.js';

export type Args = unknown[];
export type Expected = number | number[] | number[][];

export interface Case {
  name: string;
  make: () => M.Metric<tf.Rank, never>;
  batch: (r: Rng, n: number) => Args;
  /** The value after updating with `batches` in order. */
  reference: (batches: Args[]) => Expected;
  /** False when batches cannot be concatenated into one (meanTensor). */
  oneShot?: boolean;
  /** Relative tolerance. */
  tol?: number;
  /** Tensors the state gains per update (concat-based metrics keep every batch). Default 0. */
  growth?: number;
}

const col = <T>(batches: Args[], i: number): T[] => batches.flatMap((b) => b[i] as T[]);
const weights = (r: Rng, n: number) => times(n, () => (r() < 0.15 ? 0 : uniform(r, 0.2, 2)));
const probs = (r: Rng, n: number) => times(n, () => uniform(r));
const bits = (r: Rng, n: number) => times(n, () => (r() < 0.45 ? 1 : 0));
const ids = (r: Rng, n: number, C: number) => times(n, () => randInt(r, C));
const scores = (r: Rng, n: number, C: number) => times(n, () => times(C, () => uniform(r, -2, 2)));
const oneHot = (r: Rng, n: number, C: number) =>
  ids(r, n, C).map((c) => times(C, (j) => (j === c ? 1 : 0)));
const unit = (r: Rng, n: number, d: number) =>
  times(n, () => {
    const v = times(d, () => uniform(r, -1, 1));
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => Math.fround(x / norm));
  });

function meanCase(
  name: string,
  make: () => M.Metric<tf.Rank, never>,
  batch: (r: Rng, n: number) => Args,
  value: (args: Args, i: number) => number,
  finalize: (m: number) => number = (m) => m,
  weightIndex = 2,
): Case {
  return {
    name,
    make,
    batch,
    reference: (batches) => {
      const vals: number[] = [];
      const ws: number[] = [];
      for (const b of batches) {
        const w = b[weightIndex] as number[];
        w.forEach((wi, i) => {
          vals.push(value(b, i));
          ws.push(wi);
        });
      }
      return finalize(R.weightedMean(vals, ws));
    },
  };
}

const thresholds = [0.5, 0.2, 0.8, 0.5, 0.05];
const countsOf = (batches: Args[], th: number[]) =>
  R.countsAt(th, col<number>(batches, 0), col<number>(batches, 1), col<number>(batches, 2));
const probBatch = (r: Rng, n: number): Args => [probs(r, n), bits(r, n), weights(r, n)];

function sparseCase(
  name: string,
  make: () => M.Metric<tf.Rank, never>,
  k: number,
  what: 'p' | 'r',
  classId?: number,
): Case {
  return {
    name,
    make,
    batch: (r, n) => [
      scores(r, n, 6),
      times(n, () => [randInt(r, 6), randInt(r, 6), r() < 0.3 ? -1 : randInt(r, 6)]),
      weights(r, n),
    ],
    reference: (batches) => {
      const c = R.sparseAtK(col(batches, 0), col(batches, 1), k, col(batches, 2), classId);
      return what === 'p' ? c.tp / (c.tp + c.fp) : c.tp / (c.tp + c.fn);
    },
  };
}

export const CASES: Case[] = [
  meanCase(
    'mean',
    () => M.mean(),
    (r, n) => [times(n, () => uniform(r, -1, 2)), weights(r, n)],
    (b, i) => (b[0] as number[])[i] as number,
    undefined,
    1,
  ),
  {
    name: 'meanTensor',
    make: () => M.meanTensor(),
    batch: (r) => [times(3, () => uniform(r, -1, 2)), weights(r, 3)],
    reference: (batches) =>
      times(3, (j) =>
        R.weightedMean(
          batches.map((b) => (b[0] as number[])[j] as number),
          batches.map((b) => (b[1] as number[])[j] as number),
        ),
      ),
    oneShot: false,
  },
  meanCase(
    'accuracy',
    () => M.accuracy(),
    (r, n) => [ids(r, n, 3), ids(r, n, 3), weights(r, n)],
    (b, i) => ((b[0] as number[])[i] === (b[1] as number[])[i] ? 1 : 0),
  ),
  meanCase(
    'binaryAccuracy',
    () => M.binaryAccuracy(),
    (r, n) => [probs(r, n), bits(r, n), weights(r, n)],
    (b, i) => ((((b[0] as number[])[i] as number) > 0.5 ? 1 : 0) === (b[1] as number[])[i] ? 1 : 0),
  ),
  meanCase(
    'categoricalAccuracy',
    () => M.categoricalAccuracy(),
    (r, n) => [scores(r, n, 4), oneHot(r, n, 4), weights(r, n)],
    (b, i) =>
      R.argmax((b[0] as number[][])[i] as number[]) ===
      R.argmax((b[1] as number[][])[i] as number[])
        ? 1
        : 0,
  ),
  meanCase(
    'sparseCategoricalAccuracy',
    () => M.sparseCategoricalAccuracy(),
    (r, n) => [scores(r, n, 4), ids(r, n, 4), weights(r, n)],
    (b, i) => (R.argmax((b[0] as number[][])[i] as number[]) === (b[1] as number[])[i] ? 1 : 0),
  ),
  meanCase(
    'topKAccuracy',
    () => M.topKAccuracy({ k: 2 }),
    (r, n) => [scores(r, n, 5), ids(r, n, 5), weights(r, n)],
    (b, i) =>
      R.inTopK((b[0] as number[][])[i] as number[], (b[1] as number[])[i] as number, 2) ? 1 : 0,
  ),
  meanCase(
    'recallAtK',
    () => M.recallAtK({ k: 3 }),
    (r, n) => [scores(r, n, 5), ids(r, n, 5), weights(r, n)],
    (b, i) =>
      R.inTopK((b[0] as number[][])[i] as number[], (b[1] as number[])[i] as number, 3) ? 1 : 0,
  ),
  meanCase(
    'meanAbsoluteError',
    () => M.meanAbsoluteError(),
    (r, n) => [probs(r, n), probs(r, n), weights(r, n)],
    (b, i) => Math.abs(((b[0] as number[])[i] as number) - ((b[1] as number[])[i] as number)),
  ),
  meanCase(
    'meanSquaredError',
    () => M.meanSquaredError(),
    (r, n) => [probs(r, n), probs(r, n), weights(r, n)],
    (b, i) => (((b[0] as number[])[i] as number) - ((b[1] as number[])[i] as number)) ** 2,
  ),
  meanCase(
    'rootMeanSquaredError',
    () => M.rootMeanSquaredError(),
    (r, n) => [probs(r, n), probs(r, n), weights(r, n)],
    (b, i) => (((b[0] as number[])[i] as number) - ((b[1] as number[])[i] as number)) ** 2,
    Math.sqrt,
  ),
  meanCase(
    'meanRelativeError',
    () => M.meanRelativeError() as M.Metric<tf.Rank, never>,
    (r, n) => [
      probs(r, n),
      probs(r, n),
      times(n, () => (r() < 0.2 ? 0 : uniform(r, 0.5, 2))),
      weights(r, n),
    ],
    (b, i) => {
      const norm = (b[2] as number[])[i] as number;
      return norm === 0
        ? 0
        : Math.abs(((b[1] as number[])[i] as number) - ((b[0] as number[])[i] as number)) / norm;
    },
    undefined,
    3,
  ),
  meanCase(
    'percentageLess',
    () => M.percentageLess({ threshold: 0.3 }),
    (r, n) => [probs(r, n), weights(r, n)],
    (b, i) => (((b[0] as number[])[i] as number) < 0.3 ? 1 : 0),
    undefined,
    1,
  ),
  meanCase(
    'meanCosineDistance',
    () => M.meanCosineDistance({ dim: 1 }),
    (r, n) => [unit(r, n, 3), unit(r, n, 3), weights(r, n)],
    (b, i) =>
      ((b[0] as number[][])[i] as number[]).reduce(
        (a, v, j) => a + v * (((b[1] as number[][])[i] as number[])[j] as number),
        0,
      ),
    (m) => 1 - m,
  ),
  ...(['truePositives', 'falsePositives', 'trueNegatives', 'falseNegatives'] as const).map(
    (name): Case => ({
      name,
      make: () => M[name](),
      batch: (r, n) => [ids(r, n, 3), bits(r, n), weights(r, n)],
      reference: (batches) => {
        const [lab, pred] = {
          truePositives: [1, 1],
          falsePositives: [0, 1],
          trueNegatives: [0, 0],
          falseNegatives: [1, 0],
        }[name];
        let s = 0;
        col<number>(batches, 0).forEach((p, i) => {
          const l = col<number>(batches, 1)[i] !== 0 ? 1 : 0;
          if (l === lab && (p !== 0 ? 1 : 0) === pred) s += col<number>(batches, 2)[i] as number;
        });
        return s;
      },
    }),
  ),
  {
    name: 'precision',
    make: () => M.precision(),
    batch: (r, n) => [ids(r, n, 3), bits(r, n), weights(r, n)],
    reference: (batches) => {
      const c = R.countsAt([0], col(batches, 0), col(batches, 1), col(batches, 2));
      const tp = c.tp[0] as number;
      const fp = c.fp[0] as number;
      return tp + fp > 0 ? tp / (tp + fp) : 0;
    },
  },
  {
    name: 'precision@0.5',
    make: () => M.precision({ threshold: 0.5 }),
    batch: probBatch,
    reference: (batches) => {
      const c = countsOf(batches, [0.5]);
      return (c.tp[0] as number) / ((c.tp[0] as number) + (c.fp[0] as number));
    },
  },
  {
    name: 'recall',
    make: () => M.recall(),
    batch: (r, n) => [ids(r, n, 3), bits(r, n), weights(r, n)],
    reference: (batches) => {
      const c = R.countsAt([0], col(batches, 0), col(batches, 1), col(batches, 2));
      return (c.tp[0] as number) / ((c.tp[0] as number) + (c.fn[0] as number));
    },
  },
  ...(['tp', 'fp', 'tn', 'fn'] as const).map((k): Case => ({
    name: `${k}AtThresholds`,
    make: () =>
      ({
        tp: M.truePositivesAtThresholds,
        fp: M.falsePositivesAtThresholds,
        tn: M.trueNegativesAtThresholds,
        fn: M.falseNegativesAtThresholds,
      })[k]({ thresholds }),
    batch: probBatch,
    reference: (batches) => countsOf(batches, thresholds)[k],
  })),
  {
    name: 'precisionAtThresholds',
    make: () => M.precisionAtThresholds({ thresholds }),
    batch: probBatch,
    reference: (batches) => {
      const c = countsOf(batches, thresholds);
      return c.tp.map((tp, i) => tp / (1e-7 + tp + (c.fp[i] as number)));
    },
  },
  {
    name: 'recallAtThresholds',
    make: () => M.recallAtThresholds({ thresholds }),
    batch: probBatch,
    reference: (batches) => {
      const c = countsOf(batches, thresholds);
      return c.tp.map((tp, i) => tp / (1e-7 + tp + (c.fn[i] as number)));
    },
  },
  ...(
    [
      ['ROC', 'trapezoidal'],
      ['PR', 'trapezoidal'],
      ['ROC', 'minoring'],
      ['PR', 'majoring'],
    ] as const
  ).map(([curve, method]): Case => ({
    name: `auc ${curve} ${method}`,
    make: () => M.auc({ curve, summationMethod: method }),
    batch: probBatch,
    reference: (batches) => R.aucFromCounts(countsOf(batches, R.tfThresholds(200)), curve, method),
  })),
  {
    name: 'auc PR carefulInterpolation',
    make: () => M.auc({ curve: 'PR', summationMethod: 'carefulInterpolation', numThresholds: 50 }),
    batch: probBatch,
    reference: (batches) => R.carefulPrAuc(countsOf(batches, R.tfThresholds(50))),
    tol: 1e-4,
  },
  {
    name: 'auc explicit thresholds',
    make: () => M.auc({ thresholds: [0.7, 0.3, 0.5] }),
    batch: probBatch,
    reference: (batches) =>
      R.aucFromCounts(countsOf(batches, [-1e-7, 0.3, 0.5, 0.7, 1 + 1e-7]), 'ROC'),
  },
  {
    name: 'f1Score',
    make: () => M.f1Score({ numThresholds: 50 }),
    batch: probBatch,
    reference: (batches) => {
      const c = countsOf(batches, R.tfThresholds(50));
      const eps = 1e-7;
      return Math.max(
        ...c.tp.map((tp, i) => {
          const p = tp / (eps + tp + (c.fp[i] as number));
          const r = tp / (eps + tp + (c.fn[i] as number));
          return (2 * p * r) / (p + r + eps);
        }),
      );
    },
  },
  {
    name: 'confusionMatrix',
    make: () => M.confusionMatrix({ numClasses: 4 }),
    batch: (r, n) => [ids(r, n, 4), ids(r, n, 4), weights(r, n)],
    reference: (batches) => R.confusion(4, col(batches, 0), col(batches, 1), col(batches, 2)),
  },
  {
    name: 'meanIou (class 4 absent)',
    make: () => M.meanIou({ numClasses: 5 }),
    batch: (r, n) => [ids(r, n, 4), ids(r, n, 4), weights(r, n)],
    reference: (batches) =>
      R.meanIouOf(R.confusion(5, col(batches, 0), col(batches, 1), col(batches, 2))),
  },
  sparseCase('sparsePrecisionAtK', () => M.sparsePrecisionAtK({ k: 2 }), 2, 'p'),
  sparseCase('sparseRecallAtK', () => M.sparseRecallAtK({ k: 3 }), 3, 'r'),
  sparseCase(
    'sparsePrecisionAtK classId',
    () => M.sparsePrecisionAtK({ k: 3, classId: 2 }),
    3,
    'p',
    2,
  ),
  sparseCase('sparseRecallAtK classId', () => M.sparseRecallAtK({ k: 2, classId: 1 }), 2, 'r', 1),
  {
    name: 'concat',
    make: () => M.concat() as M.Metric<tf.Rank, never>,
    batch: (r, n) => [times(n, () => [uniform(r), uniform(r)])],
    reference: (batches) => col<number[]>(batches, 0),
  },
  {
    name: 'covariance',
    make: () => M.covariance(),
    batch: (r, n) => [probs(r, n), times(n, () => uniform(r, -3, 3)), weights(r, n)],
    reference: (batches) => R.covarianceOf(col(batches, 0), col(batches, 1), col(batches, 2)),
    tol: 1e-4,
  },
  {
    name: 'pearsonCorrelation',
    make: () => M.pearsonCorrelation(),
    batch: (r, n) => {
      const x = probs(r, n);
      return [x, x.map((v) => Math.fround(2 * v + uniform(r, -0.5, 0.5))), weights(r, n)];
    },
    reference: (batches) => {
      const [x, y, w] = [col<number>(batches, 0), col<number>(batches, 1), col<number>(batches, 2)];
      return R.covarianceOf(x, y, w) / Math.sqrt(R.covarianceOf(x, x, w) * R.covarianceOf(y, y, w));
    },
    tol: 1e-4,
  },
  {
    name: 'meanPerClassAccuracy (class 4 absent)',
    make: () => M.meanPerClassAccuracy({ numClasses: 5 }),
    batch: (r, n) => [ids(r, n, 4), ids(r, n, 4), weights(r, n)],
    reference: (batches) =>
      R.meanPerClassAccuracyOf(5, col(batches, 0), col(batches, 1), col(batches, 2)),
  },
  {
    name: 'cohenKappa',
    make: () => M.cohenKappa({ numClasses: 4 }),
    batch: (r, n) => {
      const y = ids(r, n, 4);
      return [y.map((v) => (r() < 0.5 ? v : randInt(r, 4))), y, weights(r, n)];
    },
    reference: (batches) =>
      R.kappaOf(R.confusion(4, col(batches, 0), col(batches, 1), col(batches, 2))),
    tol: 1e-4,
  },
  {
    name: 'count',
    make: () => M.count() as M.Metric<tf.Rank, never>,
    batch: (r, n) => [times(n, () => [uniform(r), uniform(r)]), weights(r, n)],
    reference: (batches) => 2 * col<number>(batches, 1).reduce((a, b) => a + b, 0),
  },
  ...(
    [
      ['averagePrecisionAtK', (k: number) => M.averagePrecisionAtK({ k }), 3],
      ['sparseAveragePrecisionAtK', (k: number) => M.sparseAveragePrecisionAtK({ k }), 2],
    ] as const
  ).map(([name, make, k]): Case => ({
    name,
    make: () => make(k),
    batch: (r, n) => [
      scores(r, n, 6),
      times(n, () => [
        randInt(r, 6),
        randInt(r, 6),
        r() < 0.3 ? -1 : r() < 0.5 ? 7 : randInt(r, 6),
      ]),
      weights(r, n),
    ],
    reference: (batches) =>
      R.averagePrecisionAtK(col(batches, 0), col(batches, 1), k, col(batches, 2)),
  })),
  ...(
    [
      ['precisionAtTopK', () => M.precisionAtTopK({ k: 3 }), 'p', undefined],
      ['recallAtTopK', () => M.recallAtTopK(), 'r', undefined],
      ['precisionAtTopK classId', () => M.precisionAtTopK({ classId: 2 }), 'p', 2],
      ['recallAtTopK classId', () => M.recallAtTopK({ k: 3, classId: 1 }), 'r', 1],
    ] as const
  ).map(([name, make, what, classId]): Case => ({
    name,
    make,
    batch: (r, n) => [
      ids(r, n * 3, 6).reduce<number[][]>((rows, v, i) => {
        if (i % 3 === 0) rows.push([]);
        (rows[rows.length - 1] as number[]).push(v);
        return rows;
      }, []),
      times(n, () => [randInt(r, 6), r() < 0.3 ? -1 : randInt(r, 6)]),
      weights(r, n),
    ],
    reference: (batches) => {
      const c = R.setCountsOf(col(batches, 0), col(batches, 1), col(batches, 2), classId);
      return what === 'p' ? c.tp / (c.tp + c.fp) : c.tp / (c.tp + c.fn);
    },
  })),
  {
    name: 'sensitivityAtSpecificity',
    make: () => M.sensitivityAtSpecificity({ specificity: 0.63, numThresholds: 50 }),
    batch: probBatch,
    reference: (batches) => {
      const c = countsOf(batches, R.tfThresholds(50));
      const spec = c.tn.map((tn, i) => tn / (tn + (c.fp[i] as number) + 1e-7));
      const i = R.argminOf(spec.map((s) => Math.abs(s - 0.63)));
      return (c.tp[i] as number) / ((c.tp[i] as number) + (c.fn[i] as number) + 1e-7);
    },
  },
  {
    name: 'specificityAtSensitivity',
    make: () => M.specificityAtSensitivity({ sensitivity: 0.71, numThresholds: 50 }),
    batch: probBatch,
    reference: (batches) => {
      const th = R.tfThresholds(50);
      th[th.length - 1] = 1 - 1e-7;
      const c = countsOf(batches, th);
      const sens = c.tp.map((tp, i) => tp / (tp + (c.fn[i] as number) + 1e-7));
      const i = R.argminOf(
        sens.map((s) => Math.abs(s - 0.71)),
        true,
      );
      return (c.tn[i] as number) / ((c.tn[i] as number) + (c.fp[i] as number) + 1e-7);
    },
  },
  {
    name: 'precisionAtRecall',
    make: () => M.precisionAtRecall({ targetRecall: 0.58, numThresholds: 50 }),
    batch: probBatch,
    reference: (batches) => {
      const c = countsOf(batches, R.tfThresholds(50));
      const admissible = c.tp.filter((tp, i) => tp / (tp + (c.fn[i] as number) + 1e-7) >= 0.58);
      const i = admissible.length > 0 ? admissible.length - 1 : c.tp.length - 1;
      return ((c.tp[i] as number) + 1e-7) / ((c.tp[i] as number) + (c.fp[i] as number) + 1e-7);
    },
  },
  ...([false, true] as const).map((strict): Case => ({
    name: `recallAtPrecision${strict ? ' strict' : ''}`,
    make: () => M.recallAtPrecision({ precision: 0.61, numThresholds: 50, strict }),
    batch: probBatch,
    reference: (batches) => {
      const c = countsOf(batches, R.tfThresholds(50));
      const prec = c.tp.map((tp, i) => tp / (tp + (c.fp[i] as number) + 1e-7));
      const i = strict
        ? R.argminOf(prec.map((p) => -1 / (p - 0.61 + 1e-7)))
        : R.argminOf(prec.map((p) => Math.abs(p - 0.61)));
      const recall = (c.tp[i] as number) / ((c.tp[i] as number) + (c.fn[i] as number) + 1e-7);
      return strict && !((prec[i] as number) >= 0.61) ? 0 : recall;
    },
  })),
  ...(['falsePositiveRate', 'falseNegativeRate'] as const).map((name): Case => ({
    name,
    make: () => M[name](),
    batch: (r, n) => [ids(r, n, 3), bits(r, n), weights(r, n)],
    reference: (batches) => {
      const c = R.countsAt([0], col(batches, 0), col(batches, 1), col(batches, 2));
      const [bad, good] = name === 'falsePositiveRate' ? [c.fp[0], c.tn[0]] : [c.fn[0], c.tp[0]];
      return (bad as number) + (good as number) > 0
        ? (bad as number) / ((bad as number) + (good as number))
        : 0;
    },
  })),
  {
    name: 'falsePositiveRateAtThresholds',
    make: () => M.falsePositiveRateAtThresholds({ thresholds }),
    batch: probBatch,
    reference: (batches) => {
      const c = countsOf(batches, thresholds);
      return c.fp.map((fp, i) => fp / (1e-7 + fp + (c.tn[i] as number)));
    },
  },
  {
    name: 'falseNegativeRateAtThresholds',
    make: () => M.falseNegativeRateAtThresholds({ thresholds }),
    batch: probBatch,
    reference: (batches) => {
      const c = countsOf(batches, thresholds);
      return c.fn.map((fn, i) => fn / (1e-7 + fn + (c.tp[i] as number)));
    },
  },
  ...(['ROC', 'PR'] as const).map((curve): Case => ({
    name: `curvePoints ${curve}`,
    make: () => M.curvePoints({ curve, numThresholds: 20 }),
    batch: probBatch,
    reference: (batches) => {
      const c = countsOf(batches, R.tfThresholds(20));
      const eps = 1e-6;
      return c.tp.map((tp, i) => {
        const rec = (tp + eps) / (tp + (c.fn[i] as number) + eps);
        const fp = c.fp[i] as number;
        return curve === 'ROC'
          ? [fp / (fp + (c.tn[i] as number) + eps), rec]
          : [rec, (tp + eps) / (tp + fp + eps)];
      });
    },
  })),
  ...(['ROC', 'PR'] as const).map((curve): Case => ({
    name: `dynamicAuc ${curve}`,
    make: () => M.dynamicAuc({ curve }),
    // Predictions on a 0.1 grid: ties within and across batches.
    batch: (r, n) => [times(n, () => Math.fround(randInt(r, 11) / 10)), bits(r, n), weights(r, n)],
    reference: (batches) =>
      R.dynamicAucOf(col(batches, 0), col(batches, 1), col(batches, 2), curve),
    tol: 1e-4,
    growth: 3,
  })),
  {
    name: 'concat maxSize',
    make: () => M.concat({ maxSize: 4 }) as M.Metric<tf.Rank, never>,
    batch: (r, n) => [times(n, () => [uniform(r), uniform(r)])],
    reference: (batches) => col<number[]>(batches, 0).slice(0, 4),
  },
];
