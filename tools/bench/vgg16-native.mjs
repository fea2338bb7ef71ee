// Benchmark: a VGG16 train step on the native backend (@tensorflow/tfjs-node, `tensorflow`)
// against Keras on the same TensorFlow, in one run.
// - ours: vgg16 inside vggArgScope (L2 weight decay 0.0005 on the weights, dropout 0.5 after
//   fc6/fc7, as a slim user writes it), softmaxCrossEntropy on 1000 classes, createTrainOp +
//   tf.train.sgd(0.01); "plain": the same with weightDecay 0 and no dropout;
// - keras: keras.applications.VGG16(weights=None) (no weight decay, no dropout), GradientTape
//   step, SGD(0.01), eager and in tf.function;
// - keras equal work: the same layers with slim's weight decay (L2(0.00025) = 0.0005/2) on
//   every kernel and Dropout(0.5) after fc1/fc2, eager and tf.function.
// ratio_vs_* compare ours (slim) with plain Keras (the historical keys); equal_work_vs_* ours
// (slim) with Keras doing the same work; plain_vs_* ours (plain) with plain Keras.
// Batch 2 of 224x224x3 random input. Two warm-up steps each, then rounds that interleave every side
// (STEPS steps each per round); medians over all steps, ratio = median of per-round ratios. Peak
// memory: each side's equal-work step in a process of its own, VmHWM after two warm-up steps and
// STEPS steps, median of VGG_BENCH_PEAK_RUNS processes. Then a per-phase breakdown of our step
// (dataSync barriers between phases) and the top kernels of one step (tf.profile). Env:
// VGG_BENCH_ROUNDS (default 3), VGG_BENCH_STEPS (default 2), VGG_BENCH_BREAKDOWN=0 skips the
// breakdown, VGG_BENCH_PEAK=0 the peak memory, VGG_BENCH_PEAK_RUNS (default 3) processes per side.
// Never runs on cpu (a step takes minutes there): needs tfjs-node's binding. Uses the BUILT
// packages (npm run build).
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { vgg16, vggArgScope } from '@tfslim/nets-vgg';
import {
  APPLY_GRADIENT_DESCENT,
  applyGradientDescent,
  argScope,
  l2Regularizer,
} from '@tfslim/variables';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKeras } from './lib/keras.mjs';
import { median, pad } from './lib/stats.mjs';
import { oursTrainOp, timedStep, vggBatch } from './lib/vgg16-ours.mjs';

const ROUNDS = Number(process.env.VGG_BENCH_ROUNDS ?? 3);
const STEPS = Number(process.env.VGG_BENCH_STEPS ?? 2);
const loads = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join('/');
const load = () => loadavg()[0].toFixed(1);
const started = performance.now();
const loadBefore = loads();
console.log(`vgg16-native: os.loadavg() ${loadBefore}`);

try {
  await selectBackend({ require: 'tensorflow', env: {} });
} catch (e) {
  console.log(`vgg16-native: skipped, no tensorflow backend here (${e.message.split('\n')[0]})`);
  console.log('BENCH vgg16-native skipped=no-tensorflow-backend');
  process.exit(0);
}

const batch = vggBatch();
const { images, labels } = batch;
const { trainOp, store } = oursTrainOp('slim', batch);
const plain = oursTrainOp('plain', batch);
const model = (weightDecay) =>
  argScope(vggArgScope({ weightDecay }), () =>
    vgg16(images, { numClasses: 1000, isTraining: true, store }),
  );

const { keras, reason } = await startKeras();
if (!keras) console.log(`vgg16-native: Keras side skipped: ${reason}`);

for (const op of [trainOp, plain.trainOp]) {
  timedStep(op); // warm-up: variables, oneDNN primitives, allocator
  timedStep(op);
}
const tensorsAfterWarmup = tf.memory().numTensors;
/** Keras sides: [key, variant, mode]. */
const KERAS = [
  ['eager', 'keras', 'eager'],
  ['function', 'keras', 'function'],
  ['equal_eager', 'slim', 'eager'],
  ['equal_function', 'slim', 'function'],
];
const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const times = { ours: [], plain: [] };
const ratios = {};
const addRatio = (key, ours, theirs) => (ratios[key] ??= []).push(median(ours) / median(theirs));
for (let r = 0; r < ROUNDS; r++) {
  const o = [];
  const p = [];
  for (let s = 0; s < STEPS; s++) o.push(timedStep(trainOp));
  for (let s = 0; s < STEPS; s++) p.push(timedStep(plain.trainOp));
  times.ours.push(...o);
  times.plain.push(...p);
  if (keras) {
    const k = {};
    for (const [key, variant, mode] of KERAS) {
      k[key] = (await keras.call({ cmd: 'vgg16', variant, mode, steps: STEPS })).times;
      (times[key] ??= []).push(...k[key]);
    }
    addRatio('vs_eager', o, k.eager);
    addRatio('vs_function', o, k.function);
    addRatio('equal_work_vs_eager', o, k.equal_eager);
    addRatio('equal_work_vs_function', o, k.equal_function);
    addRatio('plain_vs_eager', p, k.eager);
    addRatio('plain_vs_function', p, k.function);
  }
  const last = (key) => fmt(ratios[key]?.at(-1) ?? NaN, 2);
  console.log(
    `round ${r + 1}/${ROUNDS}: ours ${fmt(median(o))} s; ratios vs eager ${last('vs_eager')}, ` +
      `equal work ${last('equal_work_vs_eager')} / ${last('equal_work_vs_function')}, plain ` +
      `${last('plain_vs_eager')} / ${last('plain_vs_function')}; os.loadavg() ${loads()}`,
  );
}
keras?.close();
const leaked = tf.memory().numTensors - tensorsAfterWarmup;
plain.store.dispose();

const med = (key) => (times[key]?.length ? median(times[key]) : NaN);
const ratio = (key) => (ratios[key] ? median(ratios[key]) : NaN);
console.log(`\nVGG16 train step, batch 2x224x224x3, SGD 0.01 (${keras?.versions ?? 'no Keras'})`);
console.log(`${pad('what', 52)}${pad('s/step', 10)}ours / this`);
const row = (what, key, r) => console.log(`${pad(what, 52)}${pad(fmt(med(key)), 10)}${r}`);
row('tfslim vgg16 + createTrainOp (decay, dropout)', 'ours', '1.00');
row('tfslim vgg16 + createTrainOp (plain)', 'plain', '');
row('Keras VGG16, GradientTape (eager)', 'eager', fmt(ratio('vs_eager'), 2));
row('Keras VGG16, tf.function', 'function', fmt(ratio('vs_function'), 2));
row('Keras VGG16 + decay, dropout, eager', 'equal_eager', fmt(ratio('equal_work_vs_eager'), 2));
row(
  'Keras VGG16 + decay, dropout, tf.function',
  'equal_function',
  fmt(ratio('equal_work_vs_function'), 2),
);
console.log(
  `plain ours / plain Keras: eager ${fmt(ratio('plain_vs_eager'), 2)}, ` +
    `tf.function ${fmt(ratio('plain_vs_function'), 2)}`,
);

// Peak memory of the equal-work step, each side alone in a fresh process, PEAK_RUNS processes
// per side interleaved: TF's CPU allocator keeps what it frees, so one process's VmHWM moves by
// a few hundred MB with fragmentation; the median of several is the number compared.
const here = dirname(fileURLToPath(import.meta.url));
const PEAK_RUNS = Number(process.env.VGG_BENCH_PEAK_RUNS ?? 3);
const peak = { ours: NaN, keras: NaN, kerasFunction: NaN };
const peakRuns = { ours: [], keras: [], kerasFunction: [] };

/** VmHWM in MB of our equal-work step in a process of its own. */
function oursPeakMb() {
  const child = execFileSync(
    process.execPath,
    [join(here, 'lib/vgg16-ours.mjs'), 'slim', String(STEPS)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return JSON.parse(child.trim().split('\n').at(-1)).mb;
}

/** VmHWM in MB of Keras' equal-work step (eager or tf.function) in a process of its own. */
async function kerasPeakMb(mode) {
  const { keras: alone } = await startKeras();
  if (!alone) return NaN;
  await alone.call({ cmd: 'vgg16', variant: 'slim', mode, steps: STEPS });
  const { mb } = await alone.call({ cmd: 'peak_rss' });
  alone.close();
  return mb;
}

if (process.env.VGG_BENCH_PEAK !== '0') {
  for (let run = 0; run < PEAK_RUNS; run++) {
    peakRuns.ours.push(oursPeakMb());
    peakRuns.keras.push(await kerasPeakMb('eager'));
    peakRuns.kerasFunction.push(await kerasPeakMb('function'));
  }
  for (const key of Object.keys(peak)) peak[key] = median(peakRuns[key]);
  const range = (key) =>
    `${fmt(peak[key], 0)} MB (${peakRuns[key].map((mb) => fmt(mb, 0)).join('/')})`;
  console.log(
    `\nPeak RSS (VmHWM) of the equal-work step, own process each, median of ${PEAK_RUNS}: ` +
      `ours ${range('ours')}, Keras eager ${range('keras')}, Keras tf.function ${range('kerasFunction')}`,
  );
}

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
    const grads = tf.tidy(() => vars.map((v) => tf.keep(tf.onesLike(v))));
    syncAll(grads);
    // What createTrainOp runs for slim's weight decay: each L2 loss's value (TF's L2Loss), and
    // its gradient scale * w added into the data gradient in place (ApplyGradientDescent with
    // alpha -scale), not differentiated by the tape.
    const l2 = l2Regularizer(0.0005);
    time('L2 losses + their gradients', () => {
      const values = weights.map((w) => l2(w));
      weights.forEach((w) => {
        const g = grads[vars.indexOf(w)];
        tf.engine().runKernel(
          APPLY_GRADIENT_DESCENT,
          { variable: g, delta: w },
          { alpha: -0.0005 },
        );
      });
      syncAll([...values, ...weights.map((w) => grads[vars.indexOf(w)])]);
    });
    // What createTrainOp runs for tf.train.sgd: one ApplyGradientDescent per variable (in place).
    time('SGD apply (138M params)', () => {
      vars.forEach((v, i) => applyGradientDescent(v, grads[i], 0.01));
      syncAll(vars);
    });
    vars.forEach((v, i) => applyGradientDescent(v, grads[i], -0.01));
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
  `BENCH vgg16-native ours_s=${fmt(med('ours'))} keras_eager_s=${fmt(med('eager'))} ` +
    `keras_function_s=${fmt(med('function'))} ratio_vs_eager=${fmt(ratio('vs_eager'), 2)} ` +
    `ratio_vs_function=${fmt(ratio('vs_function'), 2)} ` +
    `equal_work_vs_eager=${fmt(ratio('equal_work_vs_eager'), 2)} ` +
    `equal_work_vs_function=${fmt(ratio('equal_work_vs_function'), 2)} ` +
    `plain_vs_eager=${fmt(ratio('plain_vs_eager'), 2)} ` +
    `plain_vs_function=${fmt(ratio('plain_vs_function'), 2)} ` +
    `peak_rss_ours_mb=${fmt(peak.ours, 0)} peak_rss_keras_mb=${fmt(peak.keras, 0)} ` +
    `peak_rss_keras_function_mb=${fmt(peak.kerasFunction, 0)} leaked_tensors=${leaked} ` +
    `rounds=${ROUNDS} steps=${STEPS} load_before=${loadBefore} load_after=${loads()} ` +
    `${phaseKv} wall_s=${((performance.now() - started) / 1000).toFixed(0)}`,
);
