// Metrics against TensorFlow 2.21 over three weighted batches: tf.compat.v1.metrics in graph
// mode where TF has them, else slim's formulas over TF's confusion counts (or NumPy).
import { describeWith, runPython } from '@tfslim-internal/testing';
import * as tf from '@tensorflow/tfjs-core';
import {
  BACKENDS,
  expectAllClose,
  randInt,
  rng,
  times,
  uniform,
  useBackend,
} from '../../test/helpers.js';
import * as M from '../index.js';

type Batch = { p: unknown; l: unknown; w: number[] };
interface OracleCase {
  name: string;
  /** The TF side: which builder in the script, and its options. */
  tf: string;
  options: Record<string, unknown>;
  make: () => M.Metric<tf.Rank, never>;
  batches: Batch[];
  tol?: number;
}

const SIZES = [7, 11, 6];
const r = rng(20261204);
const weights = (n: number) => times(n, () => (r() < 0.15 ? 0 : uniform(r, 0.2, 2)));
const probs = (n: number) => times(n, () => uniform(r));
const bits = (n: number) => times(n, () => (r() < 0.45 ? 1 : 0));
const ids = (n: number, C: number) => times(n, () => randInt(r, C));
const scores = (n: number, C: number) => times(n, () => times(C, () => uniform(r, -2, 2)));
const batchesOf = (f: (n: number) => Batch) => SIZES.map(f);
const probBatches = () => batchesOf((n) => ({ p: probs(n), l: bits(n), w: weights(n) }));

const CASES: OracleCase[] = [
  {
    name: 'meanPerClassAccuracy',
    tf: 'mean_per_class_accuracy',
    options: { num_classes: 5 },
    make: () => M.meanPerClassAccuracy({ numClasses: 5 }),
    batches: batchesOf((n) => ({ p: ids(n, 4), l: ids(n, 4), w: weights(n) })),
  },
  ...(['averagePrecisionAtK', 'sparseAveragePrecisionAtK'] as const).map((name, i): OracleCase => ({
    name,
    tf: i === 0 ? 'average_precision_at_k' : 'sparse_average_precision_at_k',
    options: { k: 3 + i },
    make: () => M[name]({ k: 3 + i }),
    batches: batchesOf((n) => ({
      p: scores(n, 6),
      // -1 padding and an id >= C (TF maps it to -1); the first label is always valid.
      l: times(n, () => [randInt(r, 6), r() < 0.3 ? -1 : randInt(r, 6), r() < 0.2 ? 9 : 2]),
      w: weights(n),
    })),
  })),
  ...(
    [
      ['precisionAtTopK', 'precision_at_top_k', undefined],
      ['recallAtTopK', 'recall_at_top_k', undefined],
      ['precisionAtTopK', 'precision_at_top_k', 2],
      ['recallAtTopK', 'recall_at_top_k', 1],
    ] as const
  ).map(([name, tfName, classId]): OracleCase => ({
    name: `${name}${classId === undefined ? '' : ` classId ${classId}`}`,
    tf: tfName,
    options: { k: 3, ...(classId === undefined ? {} : { class_id: classId }) },
    make: () => M[name]({ k: 3, ...(classId === undefined ? {} : { classId }) }),
    batches: batchesOf((n) => ({
      p: times(n, () => ids(3, 6)), // repeated ids count once (TF's sets)
      l: times(n, () => [randInt(r, 6), r() < 0.3 ? -1 : randInt(r, 6)]),
      w: weights(n),
    })),
  })),
  {
    name: 'sensitivityAtSpecificity',
    tf: 'sensitivity_at_specificity',
    options: { specificity: 0.63, num_thresholds: 50 },
    make: () => M.sensitivityAtSpecificity({ specificity: 0.63, numThresholds: 50 }),
    batches: probBatches(),
  },
  {
    name: 'specificityAtSensitivity',
    tf: 'specificity_at_sensitivity',
    options: { sensitivity: 0.71, num_thresholds: 50 },
    make: () => M.specificityAtSensitivity({ sensitivity: 0.71, numThresholds: 50 }),
    batches: probBatches(),
  },
  {
    name: 'specificityAtSensitivity (default 200 thresholds)',
    tf: 'specificity_at_sensitivity',
    options: { sensitivity: 0.4 },
    make: () => M.specificityAtSensitivity({ sensitivity: 0.4 }),
    batches: probBatches(),
  },
  {
    name: 'precisionAtRecall',
    tf: 'slim_precision_at_recall',
    options: { target_recall: 0.58, num_thresholds: 50 },
    make: () => M.precisionAtRecall({ targetRecall: 0.58, numThresholds: 50 }),
    batches: probBatches(),
  },
  ...([false, true] as const).map((strict): OracleCase => ({
    name: `recallAtPrecision${strict ? ' strict' : ''}`,
    tf: 'slim_recall_at_precision',
    options: { precision: 0.61, num_thresholds: 50, strict_mode: strict },
    make: () => M.recallAtPrecision({ precision: 0.61, numThresholds: 50, strict }),
    batches: probBatches(),
  })),
  ...(['falsePositiveRate', 'falseNegativeRate'] as const).map((name): OracleCase => ({
    name,
    tf: name === 'falsePositiveRate' ? 'slim_fpr' : 'slim_fnr',
    options: {},
    make: () => M[name](),
    batches: batchesOf((n) => ({ p: ids(n, 3), l: bits(n), w: weights(n) })),
  })),
  ...(['falsePositiveRateAtThresholds', 'falseNegativeRateAtThresholds'] as const).map(
    (name): OracleCase => ({
      name,
      tf: name === 'falsePositiveRateAtThresholds' ? 'slim_fpr_at' : 'slim_fnr_at',
      options: { thresholds: [0.5, 0.2, 0.8, 0.05] },
      make: () => M[name]({ thresholds: [0.5, 0.2, 0.8, 0.05] }),
      batches: probBatches(),
    }),
  ),
  ...(['ROC', 'PR'] as const).map((curve): OracleCase => ({
    name: `curvePoints ${curve}`,
    tf: 'slim_curve_points',
    options: { curve, num_thresholds: 20 },
    make: () => M.curvePoints({ curve, numThresholds: 20 }),
    batches: probBatches(),
  })),
  ...(['ROC', 'PR'] as const).map((curve): OracleCase => ({
    name: `dynamicAuc ${curve}`,
    tf: 'slim_dynamic_auc',
    options: { curve },
    make: () => M.dynamicAuc({ curve }),
    // A 0.05 grid: ties within and across batches.
    batches: batchesOf((n) => ({
      p: times(n, () => Math.fround(randInt(r, 21) / 20)),
      l: bits(n),
      w: weights(n),
    })),
  })),
  {
    name: 'cohenKappa',
    tf: 'slim_cohen_kappa',
    options: { num_classes: 4 },
    make: () => M.cohenKappa({ numClasses: 4 }),
    batches: batchesOf((n) => {
      const l = ids(n, 4);
      return { p: l.map((v) => (r() < 0.5 ? v : randInt(r, 4))), l, w: weights(n) };
    }),
    tol: 1e-4,
  },
];

// count and concat take one input: values (and weights for count).
const COUNT_BATCHES = batchesOf((n) => ({
  p: times(n, () => [uniform(r), uniform(r)]),
  l: null,
  w: weights(n),
}));
const CONCAT_BATCHES = batchesOf((n) => ({
  p: times(n, () => [uniform(r), uniform(r)]),
  l: null,
  w: [],
}));

const SCRIPT = String.raw`
import json, sys
import numpy as np
import tensorflow as tf

v1 = tf.compat.v1
m = v1.metrics
inp = json.load(sys.stdin)

def counts_at(l, p, w, thresholds, keys=('tp', 'fp', 'tn', 'fn')):
    fns = {'tp': m.true_positives_at_thresholds, 'fp': m.false_positives_at_thresholds,
           'tn': m.true_negatives_at_thresholds, 'fn': m.false_negatives_at_thresholds}
    return {k: fns[k](labels=l, predictions=p, thresholds=thresholds, weights=w) for k in keys}

def tf_thresholds(n):
    return [-1e-7] + [(i + 1) * 1.0 / (n - 1) for i in range(n - 2)] + [1.0 + 1e-7]

def build(name, o, p, l, w):
    """Returns (value, update_op, finish) where finish maps the fetched value to the answer."""
    ident = lambda x: x
    if name == 'mean_per_class_accuracy':
        v, u = m.mean_per_class_accuracy(labels=l, predictions=p, num_classes=o['num_classes'], weights=w)
        return v, u, ident
    if name in ('average_precision_at_k', 'sparse_average_precision_at_k'):
        v, u = getattr(m, name)(labels=tf.cast(l, tf.int64), predictions=p, k=o['k'], weights=w)
        return v, u, ident
    if name in ('precision_at_top_k', 'recall_at_top_k'):
        v, u = getattr(m, name)(labels=tf.cast(l, tf.int64), predictions_idx=tf.cast(p, tf.int64),
                                k=o['k'], class_id=o.get('class_id'), weights=w)
        return v, u, ident
    if name == 'sensitivity_at_specificity':
        v, u = m.sensitivity_at_specificity(labels=l, predictions=p, specificity=o['specificity'],
                                            weights=w, num_thresholds=o['num_thresholds'])
        return v, u, ident
    if name == 'specificity_at_sensitivity':
        v, u = m.specificity_at_sensitivity(labels=l, predictions=p, sensitivity=o['sensitivity'],
                                            weights=w, num_thresholds=o.get('num_thresholds', 200))
        return v, u, ident
    if name in ('slim_fpr', 'slim_fnr'):
        pb, lb = tf.cast(p, tf.bool), tf.cast(l, tf.bool)
        fp, ufp = m.false_positives(labels=lb, predictions=pb, weights=w)
        tn, utn = m.true_negatives(labels=lb, predictions=pb, weights=w)
        fn, ufn = m.false_negatives(labels=lb, predictions=pb, weights=w)
        tp, utp = m.true_positives(labels=lb, predictions=pb, weights=w)
        bad, good = (fp, tn) if name == 'slim_fpr' else (fn, tp)
        # slim: where(bad + good > 0, bad / (bad + good), 0)
        v = tf.where(bad + good > 0, tf.math.divide(bad, bad + good), 0.0)
        return v, tf.group(ufp, utn, ufn, utp), ident
    if name in ('slim_fpr_at', 'slim_fnr_at'):
        c = counts_at(l, p, w, o['thresholds'])
        vals = {k: x[0] for k, x in c.items()}
        u = tf.group(*[x[1] for x in c.values()])
        if name == 'slim_fpr_at':
            v = vals['fp'] / (1e-7 + vals['fp'] + vals['tn'])
        else:
            v = vals['fn'] / (1e-7 + vals['fn'] + vals['tp'])
        return v, u, ident
    if name in ('slim_curve_points', 'slim_precision_at_recall', 'slim_recall_at_precision'):
        c = counts_at(l, p, w, tf_thresholds(o['num_thresholds']))
        v = tf.stack([c[k][0] for k in ('tp', 'fp', 'tn', 'fn')])
        u = tf.group(*[x[1] for x in c.values()])
        def finish(x):
            tp, fp, tn, fn = [a.astype(np.float32) for a in x]
            if name == 'slim_curve_points':
                eps = np.float32(1e-6)
                rec = (tp + eps) / (tp + fn + eps)
                if o['curve'] == 'ROC':
                    return np.stack([fp / (fp + tn + eps), rec], 1)
                return np.stack([rec, (tp + eps) / (tp + fp + eps)], 1)
            eps = np.float32(1e-7)
            if name == 'slim_precision_at_recall':
                recalls = tp / (tp + fn + eps)
                i = int(np.sum(recalls >= np.float32(o['target_recall']))) - 1
                return (tp[i] + eps) / (tp[i] + fp[i] + eps)
            precisions = tp / (tp + fp + eps)
            target = np.float32(o['precision'])
            if not o['strict_mode']:
                i = int(np.argmin(np.abs(precisions - target)))
                return tp[i] / (tp[i] + fn[i] + eps)
            with np.errstate(divide='ignore'):
                i = int(np.argmax(np.float32(1.0) / (precisions - target + eps)))
            return tp[i] / (tp[i] + fn[i] + eps) if precisions[i] >= target else 0.0
        return v, u, finish
    if name == 'slim_cohen_kappa':
        var = v1.get_local_variable('cm', shape=[o['num_classes']] * 2, dtype=tf.float64,
                                    initializer=v1.zeros_initializer())
        cm = tf.math.confusion_matrix(l, p, num_classes=o['num_classes'], weights=w, dtype=tf.float64)
        def finish(cm):
            po = np.trace(cm); n = cm.sum(); rows = cm.sum(0); cols = cm.sum(1)
            pe = np.sum(rows * cols / n) if n else 0.0
            return (po - pe) / (n - pe) if n - pe != 0 else 0.0
        return var.read_value(), v1.assign_add(var, cm), finish
    raise ValueError(name)

def numpy_only(name, o, batches):
    if name == 'slim_dynamic_auc':
        p = np.concatenate([np.asarray(b['p'], np.float64).ravel() for b in batches])
        l = np.concatenate([np.asarray(b['l'], np.int64).ravel() for b in batches])
        w = np.concatenate([np.asarray(b['w'], np.float64).ravel() for b in batches])
        tot, pos = w.sum(), np.where(l > 0, w, 0).sum()
        if pos == 0 or pos == tot:
            return 0.0
        order = np.argsort(-p, kind='stable')
        ps, ls, ws = p[order], l[order], w[order]
        _, counts = np.unique(-ps, return_counts=True)  # ascending -p == descending p
        splits = np.concatenate([[0], np.cumsum(counts)])
        tp = np.concatenate([[0], np.cumsum(np.where(ls > 0, ws, 0))])[splits]
        fp = np.concatenate([[0], np.cumsum(np.where(ls < 1, ws, 0))])[splits]
        allw = np.concatenate([[0], np.cumsum(ws)])[splits]
        if o['curve'] == 'ROC':
            x, y = fp / (tot - pos), tp / pos
        else:
            x = tp / pos
            with np.errstate(invalid='ignore', divide='ignore'):
                y = np.where(splits > 0, tp / allw, 1.0)
        return float(np.sum((y[1:] + y[:-1]) / 2 * np.abs(x[1:] - x[:-1])))
    if name == 'count':
        return float(sum(np.broadcast_to(np.asarray(b['w'], np.float64)[:, None],
                                         np.asarray(b['p']).shape).sum() for b in batches))
    if name == 'concat':
        return np.concatenate([np.asarray(b['p'], np.float32) for b in batches])[:o['max_size']]
    raise ValueError(name)

results = {}
for case in inp['cases']:
    name, o, batches = case['tf'], case['options'], case['batches']
    if name in ('slim_dynamic_auc', 'count', 'concat'):
        value = numpy_only(name, o, batches)
    else:
        g = tf.Graph()
        with g.as_default():
            b0 = batches[0]
            int_p = name in ('precision_at_top_k', 'recall_at_top_k', 'mean_per_class_accuracy',
                             'slim_cohen_kappa', 'slim_fpr', 'slim_fnr')
            p = v1.placeholder(tf.int64 if int_p else tf.float32, [None] + list(np.shape(b0['p'])[1:]))
            l = v1.placeholder(tf.int64, [None] + list(np.shape(b0['l'])[1:]))
            w = v1.placeholder(tf.float32, [None])
            value_t, update, finish = build(name, o, p, l, w)
            with v1.Session(graph=g) as s:
                s.run(v1.local_variables_initializer())
                for b in batches:
                    s.run(update, {p: b['p'], l: b['l'], w: b['w']})
                value = finish(s.run(value_t))
    results[case['name']] = np.asarray(value, np.float64).tolist()
print(json.dumps({'results': results, 'version': tf.__version__}))
`;

const ALL = [
  ...CASES.map(({ name, tf: t, options, batches }) => ({ name, tf: t, options, batches })),
  { name: 'count', tf: 'count', options: {}, batches: COUNT_BATCHES },
  { name: 'concat maxSize', tf: 'concat', options: { max_size: 9 }, batches: CONCAT_BATCHES },
];

const suite = describeWith('tf', 'the TensorFlow oracle suite');

suite(
  'new metrics == TensorFlow 2.21 (tf.compat.v1.metrics, or slim formulas on TF counts)',
  () => {
    let expected: Record<string, unknown> = {};
    beforeAll(() => {
      const out = runPython<{ results: Record<string, unknown>; version: string }>(SCRIPT, {
        cases: ALL,
      });
      expect(out.version).toMatch(/^2\./);
      expected = out.results;
    }, 300_000);

    describe.each(BACKENDS)('on %s', (backend) => {
      beforeAll(() => useBackend(backend));

      it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        const before = tf.memory().numTensors;
        const metric = c.make();
        for (const b of c.batches) {
          tf.tidy(() =>
            (metric as unknown as { update(...a: unknown[]): void }).update(
              tf.tensor(b.p as number[]),
              tf.tensor(b.l as number[]),
              tf.tensor1d(b.w),
            ),
          );
        }
        expectAllClose(await metric.resultArray(), expected[c.name], c.tol ?? 2e-5);
        metric.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });

      it('count', async () => {
        const metric = M.count();
        for (const b of COUNT_BATCHES) {
          tf.tidy(() => metric.update(tf.tensor(b.p as number[][]), tf.tensor1d(b.w)));
        }
        expectAllClose(await metric.resultNumber(), expected['count'], 1e-5);
        metric.dispose();
      });

      it('concat maxSize (slim drops what comes after the cap)', async () => {
        const metric = M.concat({ maxSize: 9 });
        for (const b of CONCAT_BATCHES) tf.tidy(() => metric.update(tf.tensor(b.p as number[][])));
        expectAllClose(await metric.resultArray(), expected['concat maxSize'], 0);
        metric.dispose();
      });
    });
  },
);
