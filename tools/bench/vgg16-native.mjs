// Benchmark: a VGG16 train step on the native backend (@tensorflow/tfjs-node, `tensorflow`)
// against Keras on the same TensorFlow, in one run.
// - ours: vgg16 inside vggArgScope (L2 weight decay 0.0005 on the weights, as a slim user
//   writes it), softmaxCrossEntropy on 1000 classes, createTrainOp + tf.train.sgd(0.01);
// - keras eager: keras.applications.VGG16(weights=None), GradientTape step, SGD(0.01);
// - keras function: the same step in tf.function.
// Batch 2 of 224x224x3 random input. Two warm-up steps each, then rounds that interleave
// ours / keras eager / keras function (STEPS steps each per round); medians over all steps,
// ratio = median of per-round ratios. Then a per-phase breakdown of our step (dataSync
// barriers between phases) and the top kernels of one step (tf.profile).
// Env: VGG_BENCH_ROUNDS (default 3), VGG_BENCH_STEPS (default 2), VGG_BENCH_BREAKDOWN=0 skips
// the breakdown. Never runs on cpu (a step takes minutes there): needs tfjs-node's binding.
// Uses the BUILT packages (npm run build).
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { createTrainOp } from '@tfslim/learning';
import { softmaxCrossEntropy } from '@tfslim/losses';
import { vgg16, vggArgScope } from '@tfslim/nets-vgg';
import { VariableStore, argScope, l2Regularizer } from '@tfslim/variables';
import { loadavg } from 'node:os';
import { startKeras } from './lib/keras.mjs';
import { median, pad } from './lib/stats.mjs';

const ROUNDS = Number(process.env.VGG_BENCH_ROUNDS ?? 3);
const STEPS = Number(process.env.VGG_BENCH_STEPS ?? 2);
const load = () => loadavg()[0].toFixed(1);
const started = performance.now();
const loadBefore = load();

try {
  await selectBackend({ require: 'tensorflow', env: {} });
} catch (e) {
  console.log(`vgg16-native: skipped, no tensorflow backend here (${e.message.split('\n')[0]})`);
  console.log('BENCH vgg16-native skipped=no-tensorflow-backend');
  process.exit(0);
}

const store = new VariableStore();
const images = tf.randomNormal([2, 224, 224, 3], 0, 1, 'float32', 0);
const labels = tf.oneHot(tf.tensor1d([3, 7], 'int32'), 1000);
const model = (weightDecay) =>
  argScope(vggArgScope({ weightDecay }), () => {
    const { net, endPoints } = vgg16(images, { numClasses: 1000, isTraining: true, store });
    return { net, endPoints };
  });
const trainOp = createTrainOp(
  () => {
    const { net } = model(0.0005);
    softmaxCrossEntropy(net, labels);
  },
  tf.train.sgd(0.01),
  { store },
);
const oursStep = () => {
  const t = performance.now();
  const loss = trainOp();
  loss.dataSync();
  loss.dispose();
  return (performance.now() - t) / 1000;
};

const { keras, reason } = await startKeras();
if (!keras) console.log(`vgg16-native: Keras side skipped: ${reason}`);

oursStep(); // warm-up: variables, oneDNN primitives, allocator
oursStep();
const tensorsAfterWarmup = tf.memory().numTensors;
const ours = [];
const eager = [];
const fn = [];
const ratiosEager = [];
const ratiosFn = [];
for (let r = 0; r < ROUNDS; r++) {
  const o = [];
  for (let s = 0; s < STEPS; s++) o.push(oursStep());
  ours.push(...o);
  if (keras) {
    const e = (await keras.call({ cmd: 'vgg16', mode: 'eager', steps: STEPS })).times;
    const f = (await keras.call({ cmd: 'vgg16', mode: 'function', steps: STEPS })).times;
    eager.push(...e);
    fn.push(...f);
    ratiosEager.push(median(o) / median(e));
    ratiosFn.push(median(o) / median(f));
  }
  console.log(`round ${r + 1}/${ROUNDS}: load ${load()}`);
}
keras?.close();
const leaked = tf.memory().numTensors - tensorsAfterWarmup;

const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const oursS = median(ours);
const eagerS = keras ? median(eager) : NaN;
const fnS = keras ? median(fn) : NaN;
const rE = keras ? median(ratiosEager) : NaN;
const rF = keras ? median(ratiosFn) : NaN;
console.log(`\nVGG16 train step, batch 2x224x224x3, SGD 0.01 (${keras?.versions ?? 'no Keras'})`);
console.log(`${pad('what', 44)}${pad('s/step', 10)}ours / this`);
console.log(`${pad('tfslim vgg16 + createTrainOp (tensorflow)', 44)}${pad(fmt(oursS), 10)}1.00`);
console.log(`${pad('Keras VGG16, GradientTape (eager)', 44)}${pad(fmt(eagerS), 10)}${fmt(rE, 2)}`);
console.log(`${pad('Keras VGG16, tf.function', 44)}${pad(fmt(fnS), 10)}${fmt(rF, 2)}`);

// Where our step goes: each phase alone, finished with a dataSync barrier.
const phases = {};
if (process.env.VGG_BENCH_BREAKDOWN !== '0') {
  const vars = trainOp.variablesToTrain;
  const weights = vars.filter((v) => v.rank === 4);
  const time = (name, f) => {
    const t = performance.now();
    tf.tidy(f);
    phases[name] = (performance.now() - t) / 1000;
  };
  // tfjs-node runs each op to completion before returning, so a scalar read is a barrier
  // (reading a 553 MB gradient back to JS would cost more than computing it).
  const syncAll = (ts) => {
    tf.tidy(() => tf.addN(ts.map((t) => tf.sum(tf.slice(tf.reshape(t, [-1]), 0, 1)))).dataSync());
  };
  for (let rep = 0; rep < 2; rep++) {
    time('forward (no tape)', () => syncAll([model(0).net]));
    time('forward+backward, data loss', () => {
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(labels, model(0).net),
        vars,
      );
      syncAll([value, ...Object.values(grads)]);
    });
    const l2 = l2Regularizer(0.0005);
    time('L2 losses + their gradients', () => {
      const { grads } = tf.variableGrads(() => tf.addN(weights.map((w) => l2(w))), weights);
      syncAll(Object.values(grads));
    });
    const grads = tf.tidy(() => vars.map((v) => tf.keep(tf.onesLike(v))));
    syncAll(grads);
    const sgd = tf.train.sgd(0.01);
    time('SGD apply (138M params)', () => {
      sgd.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, grads[i]])));
      syncAll(vars);
    });
    sgd.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, tf.neg(grads[i])])));
    sgd.dispose();
    tf.dispose(grads);
  }
  // One full step under tf.profile: kernel time by kernel name.
  const byKernel = {};
  let kernelTotal = 0;
  const info = await tf.profile(() => {
    const loss = trainOp();
    loss.dataSync();
    loss.dispose();
  });
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const e = (byKernel[k.name] ??= { calls: 0, ms: 0 });
    e.calls++;
    e.ms += ms;
    kernelTotal += ms;
  }
  console.log(`\nOur step by phase (each alone, dataSync barrier; load ${load()})`);
  for (const [name, s] of Object.entries(phases)) console.log(`${pad(name, 44)}${fmt(s)} s`);
  console.log(`\nOne step's kernels (tf.profile, ${info.kernels.length} kernel calls)`);
  console.log(`${pad('kernel', 28)}${pad('calls', 8)}${pad('s', 8)}share`);
  for (const [name, e] of Object.entries(byKernel)
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 12)) {
    console.log(
      `${pad(name, 28)}${pad(e.calls, 8)}${pad(fmt(e.ms / 1000), 8)}${((100 * e.ms) / kernelTotal).toFixed(1)}%`,
    );
  }
}

tf.dispose([images, labels]);
store.dispose();
const key = (s) =>
  s
    .replace(/[^a-z0-9]+/gi, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
const phaseKv = Object.entries(phases)
  .map(([n, s]) => `${key(n)}_s=${fmt(s)}`)
  .join(' ');
console.log(
  `BENCH vgg16-native ours_s=${fmt(oursS)} keras_eager_s=${fmt(eagerS)} keras_function_s=${fmt(fnS)} ` +
    `ratio_vs_eager=${fmt(rE, 2)} ratio_vs_function=${fmt(rF, 2)} leaked_tensors=${leaked} ` +
    `rounds=${ROUNDS} steps=${STEPS} load_before=${loadBefore} load_after=${load()} ` +
    `${phaseKv} wall_s=${((performance.now() - started) / 1000).toFixed(0)}`,
);
