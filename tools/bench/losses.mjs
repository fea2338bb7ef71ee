// Benchmark: each @tfslim/losses loss against the equivalent tfjs-core `tf.losses.*` call on
// the same inputs (slim's argument order is (predictions, labels); tfjs's is (labels,
// predictions)). Forward cost, plus forward+backward for the two losses a training step uses
// most (CPU time per call, see timeBlock). Target: ratio <= 1.1x. Runs on cpu and wasm at the seed experiment's size [32, 10] and
// at [128, 100]. Each ratio is the median over interleaved rounds (A,B then B,A), measured in
// this one process. Uses the BUILT packages: run `npx tsup` in packages/losses (and
// packages/backend-selector) first.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import * as slim from '@tfslim/losses';
import { callsPerBlock, cpuMsPerCall, geomean, median, pad } from './lib/stats.mjs';

const ROUNDS = 21;
const BLOCK_MS = 4;
const SIZES = [
  [32, 10],
  [128, 100],
];
const gc = globalThis.gc ?? (() => {});
const BACKENDS = ['cpu', 'wasm'];

function inputs(batch, classes) {
  return tf.tidy(() => {
    const ids = tf.randomUniform([batch], 0, classes, 'int32', 1);
    const onehot = tf.cast(tf.oneHot(ids, classes), 'float32');
    const logits = tf.randomNormal([batch, classes], 0, 2, 'float32', 2);
    const probs = tf.sigmoid(logits);
    const pred = tf.randomNormal([batch, classes], 0, 1, 'float32', 3);
    const unitP = tf.div(pred, tf.norm(pred, 'euclidean', 1, true));
    const unitY = tf.div(logits, tf.norm(logits, 'euclidean', 1, true));
    const weightsB1 = tf.randomUniform([batch, 1], 0, 2, 'float32', 4);
    const multi = tf.cast(
      tf.greater(tf.randomUniform([batch, classes], 0, 1, 'float32', 5), 0.5),
      'float32',
    );
    const losses = tf.abs(pred);
    return { ids, onehot, logits, probs, pred, unitP, unitY, weightsB1, multi, losses };
  });
}

/** [name, ours, tfjs-core's] for one input set. */
function cases(x, batch) {
  const R = tf.Reduction;
  const grad = (f, at) => () => tf.grad(f)(at);
  return [
    [
      'absoluteDifference',
      () => slim.absoluteDifference(x.pred, x.onehot),
      () => tf.losses.absoluteDifference(x.onehot, x.pred),
    ],
    [
      'meanSquaredError',
      () => slim.meanSquaredError(x.pred, x.onehot),
      () => tf.losses.meanSquaredError(x.onehot, x.pred),
    ],
    [
      'meanSquaredError.weighted',
      () => slim.meanSquaredError(x.pred, x.onehot, { weights: x.weightsB1 }),
      () => tf.losses.meanSquaredError(x.onehot, x.pred, x.weightsB1),
    ],
    [
      'perExampleSquaredError',
      () => slim.perExampleSquaredError(x.pred, x.onehot),
      () => tf.div(tf.losses.meanSquaredError(x.onehot, x.pred, undefined, R.SUM), batch),
    ],
    ['logLoss', () => slim.logLoss(x.probs, x.onehot), () => tf.losses.logLoss(x.onehot, x.probs)],
    [
      'huberLoss',
      () => slim.huberLoss(x.pred, x.onehot),
      () => tf.losses.huberLoss(x.onehot, x.pred),
    ],
    [
      'sigmoidCrossEntropy',
      () => slim.sigmoidCrossEntropy(x.logits, x.multi, { labelSmoothing: 0.1 }),
      () => tf.losses.sigmoidCrossEntropy(x.multi, x.logits, undefined, 0.1),
    ],
    [
      'softmaxCrossEntropy',
      () => slim.softmaxCrossEntropy(x.logits, x.onehot, { labelSmoothing: 0.1 }),
      () => tf.losses.softmaxCrossEntropy(x.onehot, x.logits, undefined, 0.1),
    ],
    [
      'sparseSoftmaxCrossEntropy',
      () => slim.sparseSoftmaxCrossEntropy(x.logits, x.ids),
      () => tf.losses.softmaxCrossEntropy(tf.oneHot(x.ids, x.logits.shape[1]), x.logits),
    ],
    [
      'cosineDistance',
      () => slim.cosineDistance(x.unitP, x.unitY, { axis: 1 }),
      () => tf.losses.cosineDistance(x.unitY, x.unitP, 1),
    ],
    [
      'hingeLoss',
      () => slim.hingeLoss(x.logits, x.multi),
      () => tf.losses.hingeLoss(x.multi, x.logits, undefined, R.NONE),
    ],
    [
      'meanPairwiseSquaredError',
      () => slim.meanPairwiseSquaredError(x.pred, x.onehot),
      // No tf.losses equivalent: TF's formula (n - 1 and n (n - 1)) in plain tfjs ops.
      () =>
        tf.tidy(() => {
          const d = tf.sub(x.pred, x.onehot);
          const n = d.shape[1];
          return tf.sum(
            tf.sub(
              tf.mul(2 / (n - 1), tf.sum(tf.square(d), 1)),
              tf.mul(2 / (n * (n - 1)), tf.square(tf.sum(d, 1))),
            ),
          );
        }),
    ],
    [
      'npairsLoss',
      () => slim.npairsLoss(x.ids, x.pred, x.unitP),
      // No tf.losses equivalent: the N-pairs formula with tf.losses.softmaxCrossEntropy.
      () =>
        tf.tidy(() => {
          const column = tf.reshape(x.ids, [-1, 1]);
          const same = tf.cast(tf.equal(column, tf.transpose(column)), 'float32');
          const target = tf.div(same, tf.sum(same, 1, true));
          const similarity = tf.matMul(x.pred, x.unitP, false, true);
          const penalty = tf.mul(
            tf.add(tf.mean(tf.sum(tf.square(x.pred), 1)), tf.mean(tf.sum(tf.square(x.unitP), 1))),
            0.25 * 0.002,
          );
          return tf.add(penalty, tf.losses.softmaxCrossEntropy(target, similarity));
        }),
    ],
    [
      'computeWeightedLoss',
      () => slim.computeWeightedLoss(x.losses, { weights: x.weightsB1 }),
      () => tf.losses.computeWeightedLoss(x.losses, x.weightsB1),
    ],
    [
      'softmaxCrossEntropy.grad',
      grad((l) => slim.softmaxCrossEntropy(l, x.onehot), x.logits),
      grad((l) => tf.losses.softmaxCrossEntropy(x.onehot, l), x.logits),
    ],
    [
      'meanSquaredError.grad',
      grad((p) => slim.meanSquaredError(p, x.onehot), x.pred),
      grad((p) => tf.losses.meanSquaredError(x.onehot, p), x.pred),
    ],
  ];
}

// Both backends here run synchronously on this thread, so CPU time is their cost.
const timeBlock = (fn, iterations) => cpuMsPerCall(() => tf.dispose(tf.tidy(fn)), iterations);

function calibrate(fn) {
  for (let i = 0; i < 3; i++) tf.dispose(tf.tidy(fn)); // warm-up (JIT, wasm kernel set-up)
  return callsPerBlock(() => tf.dispose(tf.tidy(fn)), BLOCK_MS);
}

const rows = [];
const ratiosByLoss = new Map();
for (const backend of BACKENDS) {
  await selectBackend({ require: backend, env: {} });
  for (const [batch, classes] of SIZES) {
    const x = inputs(batch, classes);
    for (const [name, ours, theirs] of cases(x, batch)) {
      const before = tf.memory().numTensors;
      const n = Math.max(calibrate(ours), calibrate(theirs));
      const ratios = [];
      const oursMs = [];
      const theirsMs = [];
      gc(); // with --expose-gc (tools/bench/run.mjs passes it): start each case on a clean heap
      for (let r = 0; r < ROUNDS; r++) {
        let a;
        let b;
        if (r % 2 === 0) {
          a = timeBlock(ours, n);
          b = timeBlock(theirs, n);
        } else {
          b = timeBlock(theirs, n);
          a = timeBlock(ours, n);
        }
        oursMs.push(a);
        theirsMs.push(b);
        ratios.push(a / b);
      }
      if (tf.memory().numTensors !== before) throw new Error(`${name} leaked tensors`);
      const ratio = median(ratios);
      rows.push({
        backend,
        size: `${batch}x${classes}`,
        name,
        ours: median(oursMs),
        tfjs: median(theirsMs),
        ratio,
      });
      if (!ratiosByLoss.has(name)) ratiosByLoss.set(name, []);
      ratiosByLoss.get(name).push(ratio);
    }
    tf.dispose(x);
  }
}

console.log(
  `${pad('backend', 8)}${pad('size', 10)}${pad('loss', 28)}${pad('ours ms', 11)}${pad('tfjs ms', 11)}ratio`,
);
for (const r of rows) {
  console.log(
    `${pad(r.backend, 8)}${pad(r.size, 10)}${pad(r.name, 28)}${pad(r.ours.toFixed(4), 11)}${pad(r.tfjs.toFixed(4), 11)}${r.ratio.toFixed(3)}`,
  );
}
const keys = [...ratiosByLoss].map(([name, rs]) => `${name}=${geomean(rs).toFixed(3)}`);
const worst = Math.max(...rows.map((r) => r.ratio));
console.log(
  '\nratio = ours / tfjs-core, CPU ms per call (median of interleaved rounds); BENCH values: geometric mean over backends and sizes',
);
console.log(`BENCH losses ${keys.join(' ')} worst=${worst.toFixed(3)}`);
