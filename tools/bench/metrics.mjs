// Benchmark: the update cost of @tfslim/metrics against a hand-written tfjs equivalent of the
// same streaming metric (non-trainable variables, one assign per accumulator, the same
// no-host-sync contract), on cpu and wasm, at the seed experiment's batch of 32 and at 1,024.
//   accuracy            ids vs ids (slim's streaming_accuracy)      vs equal + sum
//   sparseCatAccuracy   scores [B, 10] vs int labels                vs argMax + equal + sum
//   auc                 200 thresholds, TF's formula                vs TF's algorithm: [B, T] compare + 4 sums
//   meanIou             10 classes, confusion matrix                vs oneHot^T @ oneHot (matMul)
//   meanPerClassAcc     10 classes, per-class totals                vs oneHot column sums
//   sensAtSpec          200 thresholds (sensitivity_at_specificity) vs TF's [B, T] compare + 4 sums
// Each ratio (ours / hand-written, CPU ms per update) is the median over interleaved rounds
// (A,B then B,A) in this one process. Uses the BUILT packages: run `npx tsup` in
// packages/metrics and packages/backend-selector first.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  accuracy,
  auc,
  meanIou,
  meanPerClassAccuracy,
  sensitivityAtSpecificity,
  sparseCategoricalAccuracy,
} from '@tfslim/metrics';
import { callsPerBlock, cpuMsPerCall, geomean, median, pad } from './lib/stats.mjs';

const ROUNDS = 11;
const BLOCK_MS = 4;
const BATCHES = [32, 1024];
const CLASSES = 10;
const THRESHOLDS = 200;
const BACKENDS = ['cpu', 'wasm'];
const gc = globalThis.gc ?? (() => {});

function inputs(batch) {
  return tf.tidy(() => ({
    logits: tf.randomNormal([batch, CLASSES], 0, 2, 'float32', 1),
    labels: tf.randomUniform([batch], 0, CLASSES, 'int32', 2),
    predIds: tf.randomUniform([batch], 0, CLASSES, 'int32', 3),
    probs: tf.randomUniform([batch], 0, 1, 'float32', 4),
    binary: tf.cast(tf.greater(tf.randomUniform([batch], 0, 1, 'float32', 5), 0.5), 'float32'),
  }));
}

/** A hand-written streaming metric: variables and an update that assigns them. */
function handWritten(shapes, batchFn) {
  const vars = shapes.map((s) => tf.variable(tf.zeros(s), false));
  return {
    update: () =>
      tf.tidy(() => {
        const deltas = batchFn();
        vars.forEach((v, i) => v.assign(tf.add(v, deltas[i])));
      }),
    dispose: () => vars.forEach((v) => v.dispose()),
  };
}

function thresholdsTensor() {
  const t = [-1e-7];
  for (let i = 0; i < THRESHOLDS - 2; i++) t.push((i + 1) / (THRESHOLDS - 1));
  t.push(1 + 1e-7);
  return tf.tensor2d(t, [1, THRESHOLDS]);
}

/** [name, ours, hand-written] for one input set. */
function cases(x, thr) {
  const N = x.labels.shape[0];
  const acc = accuracy();
  const sparse = sparseCategoricalAccuracy();
  const rocAuc = auc({ numThresholds: THRESHOLDS });
  const miou = meanIou({ numClasses: CLASSES });
  const perClass = meanPerClassAccuracy({ numClasses: CLASSES });
  const sens = sensitivityAtSpecificity({ specificity: 0.9, numThresholds: THRESHOLDS });
  // TF's _confusion_matrix_at_thresholds: every prediction against every threshold.
  const tfCounts = () =>
    handWritten([[THRESHOLDS], [THRESHOLDS], [THRESHOLDS], [THRESHOLDS]], () => {
      const predPos = tf.greater(tf.reshape(x.probs, [N, 1]), thr);
      const predNeg = tf.logicalNot(predPos);
      const labPos = tf.reshape(tf.cast(x.binary, 'bool'), [N, 1]);
      const labNeg = tf.logicalNot(labPos);
      const count = (m) => tf.sum(tf.cast(m, 'float32'), 0);
      return [
        count(tf.logicalAnd(labPos, predPos)),
        count(tf.logicalAnd(labNeg, predPos)),
        count(tf.logicalAnd(labNeg, predNeg)),
        count(tf.logicalAnd(labPos, predNeg)),
      ];
    });
  return [
    [
      'accuracy',
      acc,
      handWritten([[], []], () => [
        tf.sum(tf.cast(tf.equal(x.predIds, x.labels), 'float32')),
        tf.scalar(N),
      ]),
      () => acc.update(x.predIds, x.labels),
    ],
    [
      'sparseCatAccuracy',
      sparse,
      handWritten([[], []], () => [
        tf.sum(tf.cast(tf.equal(tf.argMax(x.logits, -1), x.labels), 'float32')),
        tf.scalar(N),
      ]),
      () => sparse.update(x.logits, x.labels),
    ],
    ['auc', rocAuc, tfCounts(), () => rocAuc.update(x.probs, x.binary)],
    [
      'meanIou',
      miou,
      handWritten([[CLASSES, CLASSES]], () => [
        tf.matMul(
          tf.cast(tf.oneHot(x.labels, CLASSES), 'float32'),
          tf.cast(tf.oneHot(x.predIds, CLASSES), 'float32'),
          true,
          false,
        ),
      ]),
      () => miou.update(x.predIds, x.labels),
    ],
    [
      'meanPerClassAcc',
      perClass,
      handWritten([[CLASSES], [CLASSES]], () => {
        const oneHot = tf.cast(tf.oneHot(x.labels, CLASSES), 'float32');
        const hit = tf.cast(tf.equal(x.predIds, x.labels), 'float32');
        return [tf.sum(oneHot, 0), tf.sum(tf.mul(oneHot, tf.expandDims(hit, 1)), 0)];
      }),
      () => perClass.update(x.predIds, x.labels),
    ],
    ['sensAtSpec', sens, tfCounts(), () => sens.update(x.probs, x.binary)],
  ];
}

// Both backends run synchronously on this thread, so CPU time is their cost.
const timeBlock = cpuMsPerCall;

function calibrate(fn) {
  // Warm-up until the JIT has settled (a few hundred calls for the small cases): the first
  // calls of a JS-heavy update are several times slower than its steady state.
  const start = performance.now();
  for (let i = 0; i < 300 && performance.now() - start < 150; i++) fn();
  return callsPerBlock(fn, BLOCK_MS);
}

const rows = [];
const ratiosByKey = new Map();
for (const backend of BACKENDS) {
  await selectBackend({ require: backend, env: {} });
  const thr = thresholdsTensor();
  for (const batch of BATCHES) {
    const x = inputs(batch);
    for (const [name, metric, hand, ours] of cases(x, thr)) {
      const theirs = hand.update;
      // Each side its own block size: the hand-written AUC at 1,024 is ~300x slower than ours.
      const nOurs = calibrate(ours);
      const nTheirs = calibrate(theirs);
      const before = tf.memory().numTensors;
      const ratios = [];
      const oursMs = [];
      const theirsMs = [];
      gc();
      for (let r = 0; r < ROUNDS; r++) {
        let a;
        let b;
        if (r % 2 === 0) {
          a = timeBlock(ours, nOurs);
          b = timeBlock(theirs, nTheirs);
        } else {
          b = timeBlock(theirs, nTheirs);
          a = timeBlock(ours, nOurs);
        }
        oursMs.push(a);
        theirsMs.push(b);
        ratios.push(a / b);
      }
      if (tf.memory().numTensors !== before) throw new Error(`${name} leaked tensors`);
      metric.dispose();
      hand.dispose();
      const ratio = median(ratios);
      rows.push({ backend, batch, name, ours: median(oursMs), hand: median(theirsMs), ratio });
      const key = `${name}.b${batch}`;
      if (!ratiosByKey.has(key)) ratiosByKey.set(key, []);
      ratiosByKey.get(key).push(ratio);
    }
    tf.dispose(x);
  }
  thr.dispose();
}

console.log(
  `${pad('backend', 8)}${pad('batch', 7)}${pad('metric', 20)}${pad('ours ms', 11)}${pad('hand ms', 11)}ratio`,
);
for (const r of rows) {
  console.log(
    `${pad(r.backend, 8)}${pad(r.batch, 7)}${pad(r.name, 20)}${pad(r.ours.toFixed(4), 11)}${pad(r.hand.toFixed(4), 11)}${r.ratio.toFixed(3)}`,
  );
}
const keys = [...ratiosByKey].map(([key, rs]) => `${key}=${geomean(rs).toFixed(3)}`);
const worst = Math.max(...rows.map((r) => r.ratio));
console.log(
  '\nratio = ours / hand-written tfjs, CPU ms per update (median of interleaved rounds); BENCH values: geometric mean over cpu and wasm',
);
console.log(`BENCH metrics ${keys.join(' ')} worst=${worst.toFixed(3)}`);
