// Benchmark: a slim VGG16 train step on the wasm backend (batch 2 of 32x32x3, fc6 as a 7x7
// SAME conv, slim's weight decay and dropout, createTrainOp + tf.train.sgd(0.01)): its time and
// its peak memory, with the update kernels tfslim registers (ApplyGradientDescent: the SGD
// update and the weight decay's gradient written in place) against the same step without them
// (tfjs's Multiply + Add per variable, autodiff-sized temporaries).
// Each variant runs in a process of its own (peak RSS is VmHWM, per process): two warm-up steps,
// then STEPS timed steps, median. Env: VGG_WASM_STEPS (default 3). Uses the BUILT packages.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { createTrainOp } from '@tfslim/learning';
import { softmaxCrossEntropy } from '@tfslim/losses';
import { vgg16, vggArgScope } from '@tfslim/nets-vgg';
import { APPLY_GRADIENT_DESCENT, VariableStore, argScope } from '@tfslim/variables';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { maxRssBytes, median } from './lib/stats.mjs';

const STEPS = Number(process.env.VGG_WASM_STEPS ?? 3);
const self = fileURLToPath(import.meta.url);

/** One variant's step seconds (median) and peak RSS, in this process. */
async function measure(variant) {
  await selectBackend({ require: 'wasm', env: {} });
  if (variant === 'stock') tf.unregisterKernel(APPLY_GRADIENT_DESCENT, 'wasm');
  const store = new VariableStore();
  const images = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 0);
  const labels = tf.oneHot(tf.tensor1d([3, 7], 'int32'), 1000);
  const trainOp = createTrainOp(
    () => {
      const { net } = argScope(vggArgScope({ weightDecay: 0.0005 }), () =>
        vgg16(images, { numClasses: 1000, isTraining: true, store, fcConvPadding: 'SAME' }),
      );
      softmaxCrossEntropy(net, labels);
    },
    tf.train.sgd(0.01),
    { store },
  );
  const times = [];
  for (let i = 0; i < 2 + STEPS; i++) {
    const t = performance.now();
    const loss = trainOp();
    loss.dataSync();
    loss.dispose();
    if (i >= 2) times.push((performance.now() - t) / 1000);
  }
  return { s: median(times), mb: maxRssBytes() / 2 ** 20 };
}

if (process.argv[2] === 'child') {
  console.log(JSON.stringify(await measure(process.argv[3])));
} else {
  const load = loadavg()[0].toFixed(1);
  /** A variant's {s, mb} from a process of its own, or {error} when that process failed. */
  const run = (variant) => {
    try {
      const out = execFileSync(process.execPath, [self, 'child', variant], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return JSON.parse(out.trim().split('\n').at(-1));
    } catch (e) {
      const lines = String(e.stderr ?? e.message)
        .trim()
        .split('\n');
      const reason = lines.find((l) => /Error/.test(l)) ?? lines.at(-1);
      return { s: NaN, mb: NaN, error: reason.trim() };
    }
  };
  const row = (r) =>
    r.error ? `failed: ${r.error}` : `${r.s.toFixed(2)} s/step   peak RSS ${r.mb.toFixed(0)} MB`;
  const ours = run('ours');
  const stock = run('stock');
  console.log(
    `VGG16 train step on wasm, batch 2x32x32x3 (fc6 SAME), ${STEPS} steps after 2 warm-up\n` +
      `in-place update kernels   ${row(ours)}\n` +
      `tfjs update (stock)       ${row(stock)}`,
  );
  console.log(
    `BENCH vgg16-wasm ours_s=${ours.s.toFixed(2)} stock_update_s=${stock.s.toFixed(2)} ` +
      `peak_rss_ours_mb=${ours.mb.toFixed(0)} peak_rss_stock_update_mb=${stock.mb.toFixed(0)} ` +
      `stock_update_failed=${stock.error ? 'yes' : 'no'} steps=${STEPS} load_before=${load} load_after=${loadavg()[0].toFixed(1)}`,
  );
}
