// Benchmark: the seed MLP train step (examples/mnist-seed: 784 -> 256 ReLU -> 128 ReLU -> 10,
// loss A = sum over classes of squared error / batch, SGD 0.01, batch 32) through
// createTrainOp on the native backend (`tensorflow`, tfjs-node) and on `wasm`, against Keras
// `model.fit` on the same network and loss (per-step time = fit time / 200 batches).
// Rounds interleave tensorflow / wasm / Keras after a warm-up (5 x 200 steps per backend, one
// fit epoch for Keras); medians; ratios = median of per-round ratios.
// auto_backend is what pickFastestBackend (the main job's default) keeps for this step;
// auto_vs_keras is that backend's ratio from the same interleaved rounds.
// Env: MLP_BENCH_ROUNDS (default 5). Uses the BUILT packages (npm run build).
import * as tf from '@tensorflow/tfjs-core';
import { pickFastestBackend, selectBackend } from '@tfslim/backend-selector';
import { fullyConnected } from '@tfslim/layers';
import { createTrainOp } from '@tfslim/learning';
import { perExampleSquaredError } from '@tfslim/losses';
import { VariableStore, variableScope } from '@tfslim/variables';
import { loadavg } from 'node:os';
import { startKeras } from './lib/keras.mjs';
import { median, pad } from './lib/stats.mjs';

const ROUNDS = Number(process.env.MLP_BENCH_ROUNDS ?? 5);
const STEPS = 200;
const WARMUP_RUNS = 5;
const load = () => loadavg()[0].toFixed(1);
const loads = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(',');
const loadBefore = load();

const backends = [];
for (const b of ['tensorflow', 'wasm']) {
  try {
    await selectBackend({ require: b, env: {} });
    backends.push(b);
  } catch (e) {
    console.log(`mlp-native: ${b} skipped (${e.message.split('\n')[0]})`);
  }
}

/** A train op and its batches on backend b (variables live on the backend they were made on). */
async function setUp(b) {
  await selectBackend({ require: b, env: {} });
  const store = new VariableStore();
  const xs = [];
  const ys = [];
  for (let i = 0; i < 8; i++) {
    xs.push(tf.randomUniform([32, 784], 0, 1, 'float32', i));
    ys.push(tf.cast(tf.oneHot(tf.randomUniform([32], 0, 10, 'int32', 100 + i), 10), 'float32'));
  }
  const op = createTrainOp(
    (_l, x, y) =>
      perExampleSquaredError(
        variableScope('mlp', () => {
          const h1 = fullyConnected(x, 256, { scope: 'fc1' });
          const h2 = fullyConnected(h1, 128, { scope: 'fc2' });
          return fullyConnected(h2, 10, { scope: 'logits', activation: null });
        }),
        y,
      ),
    tf.train.sgd(0.01),
    { store },
  );
  return { op, xs, ys };
}
const setups = {};
for (const b of backends) setups[b] = await setUp(b);

// The default pick for this work: a throwaway train op per candidate, as the main job does.
const picked = await pickFastestBackend({
  env: {},
  trial: async (candidate) => {
    const { op, xs, ys } = await setUp(candidate);
    return {
      step: () => op(xs[0], ys[0]).dispose(),
      dispose: () => {
        op.dispose();
        op.store.dispose();
        tf.dispose([...xs, ...ys]);
      },
    };
  },
});
const autoBackend = picked.backend;
console.log(
  `mlp-native: pickFastestBackend kept ${autoBackend} (${(picked.timings ?? []).map((t) => `${t.candidate} ${t.msPerStep.toFixed(3)}`).join(', ')} ms/step)`,
);

/** Seconds per step: STEPS steps (the loss read each step, as createTrainOp's check does). */
async function oursPerStep(b) {
  await selectBackend({ require: b, env: {} });
  const { op, xs, ys } = setups[b];
  const t = performance.now();
  for (let i = 0; i < STEPS; i++) op(xs[i % 8], ys[i % 8]).dispose();
  return (performance.now() - t) / 1000 / STEPS;
}

const { keras, reason } = await startKeras();
if (!keras) console.log(`mlp-native: Keras side skipped: ${reason}`);
// Warm-up: V8 needs about a thousand steps of tfjs's JavaScript before the step time settles
// (measured: 2.3, 1.4, 1.24, 1.23, 1.18 ms over the first five 200-step runs on wasm); an
// epoch of the main job is 1875 steps. Keras' graph is compiled by its warm-up epoch.
for (let i = 0; i < WARMUP_RUNS; i++) for (const b of backends) await oursPerStep(b);
if (keras) await keras.call({ cmd: 'mlp', steps: 1 });

const times = Object.fromEntries([...backends, 'keras'].map((k) => [k, []]));
const ratios = Object.fromEntries(backends.map((b) => [b, []]));
for (let r = 0; r < ROUNDS; r++) {
  const round = {};
  for (const b of backends) round[b] = await oursPerStep(b);
  if (keras) [round.keras] = (await keras.call({ cmd: 'mlp', steps: 1 })).times;
  for (const [k, v] of Object.entries(round)) times[k].push(v);
  if (keras) for (const b of backends) ratios[b].push(round[b] / round.keras);
}
keras?.close();

const ms = (k) => (times[k]?.length ? median(times[k]) * 1000 : NaN);
const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const ratio = (b) => (ratios[b]?.length ? median(ratios[b]) : NaN);
console.log(`\nSeed MLP train step (784-256-128-10, batch 32, SGD 0.01), ${ROUNDS} rounds`);
console.log(`${pad('what', 40)}${pad('ms/step', 10)}vs Keras fit`);
for (const b of backends)
  console.log(`${pad(`tfslim createTrainOp (${b})`, 40)}${pad(fmt(ms(b)), 10)}${fmt(ratio(b), 2)}`);
console.log(`${pad('Keras model.fit', 40)}${pad(fmt(ms('keras')), 10)}1.00`);
console.log(
  `BENCH mlp-native tensorflow_ms=${fmt(ms('tensorflow'))} wasm_ms=${fmt(ms('wasm'))} ` +
    `keras_fit_ms=${fmt(ms('keras'))} tensorflow_vs_keras=${fmt(ratio('tensorflow'), 2)} ` +
    `wasm_vs_keras=${fmt(ratio('wasm'), 2)} auto_backend=${autoBackend} ` +
    `auto_vs_keras=${fmt(ratio(autoBackend), 2)} rounds=${ROUNDS} load_before=${loadBefore} ` +
    `load_after=${load()} loadavg=${loads()}`,
);
