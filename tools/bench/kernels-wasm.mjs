// Benchmark: @tfslim/kernels-wasm's WebAssembly SIMD kernels against the stock
// tfjs-backend-wasm 4.22 kernels they replace, on the same backend, in this one process.
// - matmul GFLOP/s at 32x784x256 (the seed MLP's first layer), 256^3, 512^3, 1024^3;
// - VGG16 conv layers (real channel counts, 3x3 'same', batch 1; spatial size scaled down
//   so the whole run stays under a minute): forward, input gradient, filter gradient;
// - the seed MLP (784-256-128-10, batch 32, SGD) train step in ms.
// "stock" is whatever served the kernel before registerWasmKernels: tfjs-backend-wasm's own,
// or the package's filled Conv2DBackpropFilter (fillMissingKernels; tfjs-backend-wasm 4.22 has none).
// Ratios: median over interleaved rounds (ours, stock, stock, ours, ...), one thread.
// Uses the BUILT packages: run `npx nx run @tfslim/backend-selector:build` first.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  registerWasmKernels,
  setWasmKernelThreads,
  unregisterWasmKernels,
  wasmKernelsReady,
} from '@tfslim/kernels-wasm';
import { availableParallelism } from 'node:os';
import { median } from './lib/stats.mjs';

const started = performance.now();
const report = await selectBackend({ require: 'wasm', env: {} });
// The main table is single-threaded (issue target: one thread); stage 2 is measured after it.
setWasmKernelThreads(1);

function setKernels(which) {
  if (which === 'ours') registerWasmKernels();
  else unregisterWasmKernels();
}

/** Milliseconds per call of fn (result disposed), over enough calls to fill ~minMs. */
function timeIt(fn, minMs) {
  let n = 0;
  const start = performance.now();
  let now = start;
  do {
    tf.dispose(fn());
    n++;
    now = performance.now();
  } while (now - start < minMs);
  return (now - start) / n;
}

/**
 * Interleaved rounds of ours vs stock. Returns median ms of each and the median per-round
 * ratio stock/ours. `minMs` per sample; heavy stock cases take one call per sample.
 */
function compare(fn, { rounds = 3, minMs = 40, has = () => true } = {}) {
  const ours = [];
  const stock = [];
  const ratios = [];
  setKernels('ours');
  tf.dispose(fn()); // warm-up: JIT, scratch allocation
  setKernels('stock');
  const stockAvailable = has();
  if (stockAvailable) tf.dispose(fn());
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['ours', 'stock'] : ['stock', 'ours'];
    const sample = {};
    for (const which of order) {
      if (which === 'stock' && !stockAvailable) continue;
      setKernels(which);
      sample[which] = timeIt(fn, minMs);
    }
    ours.push(sample.ours);
    if (stockAvailable) {
      stock.push(sample.stock);
      ratios.push(sample.stock / sample.ours);
    }
  }
  setKernels('ours');
  return stockAvailable
    ? { ours: median(ours), stock: median(stock), ratio: median(ratios) }
    : { ours: median(ours), stock: NaN, ratio: NaN };
}

const rows = [];
const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

// --- matmul -------------------------------------------------------------------------------
// Variants: 'NN' multiplies by a fresh B each call, as in training where weights change every
// step; 'NN cached' reuses one B tensor, the inference case where stock tfjs-wasm (XNNPACK)
// keeps B packed between calls; 'NT' and 'TN' are the two gradient products (dX = dY W^T,
// dW = X^T dY), which stock tfjs-wasm runs on a slow non-XNNPACK path.
const MATMULS = [
  ['32x784x256', 32, 784, 256, ['NN cached', 'NN', 'NT', 'TN']],
  ['256^3', 256, 256, 256, ['NN', 'NT', 'TN']],
  ['512^3', 512, 512, 512, ['NN cached', 'NN', 'NT', 'TN']],
  ['1024^3', 1024, 1024, 1024, ['NN', 'NT']],
];
const matmul = {};
for (const [name, M, K, N, variants] of MATMULS) {
  const a = tf.randomNormal([M, K]);
  const aT = tf.randomNormal([K, M]);
  const b = tf.randomNormal([K, N]);
  const bT = tf.randomNormal([N, K]);
  const flop = 2 * M * N * K;
  const fns = {
    'NN cached': () => tf.matMul(a, b),
    NN: () => tf.tidy(() => tf.matMul(a, tf.add(b, 0))),
    NT: () => tf.tidy(() => tf.matMul(a, tf.add(bT, 0), false, true)),
    TN: () => tf.tidy(() => tf.matMul(aT, tf.add(b, 0), true, false)),
  };
  for (const variant of variants) {
    const r = compare(fns[variant], { rounds: M >= 1024 ? 3 : 5 });
    matmul[`${name} ${variant}`] = { ...r, gflops: flop / r.ours / 1e6 };
    rows.push({
      case: `matmul ${name} ${variant}`,
      'ours GFLOP/s': fmt(flop / r.ours / 1e6),
      'stock GFLOP/s': fmt(flop / r.stock / 1e6),
      speedup: fmt(r.ratio, 2),
    });
  }
  tf.dispose([a, aT, b, bT]);
}

// --- VGG16 conv layers ---------------------------------------------------------------------
// [name, spatial size used (real size in the comment), in channels, out channels]
const VGG = [
  ['conv1_1', 56, 3, 64], // real 224
  ['conv1_2', 56, 64, 64], // real 224
  ['conv2_1', 28, 64, 128], // real 112
  ['conv2_2', 28, 128, 128], // real 112
  ['conv3_1', 28, 128, 256], // real 56
  ['conv3_2', 28, 256, 256], // real 56 (also conv3_3)
  ['conv4_1', 14, 256, 512], // real 28
  ['conv4_2', 14, 512, 512], // real 28 (also conv4_3)
  ['conv5_1', 14, 512, 512], // real 14 (also conv5_2, conv5_3)
];
const conv = { fwd: [], bwdInput: [], bwdFilter: [] };
for (const [name, s, cin, cout] of VGG) {
  const x = tf.randomNormal([1, s, s, cin]);
  const w = tf.randomNormal([3, 3, cin, cout]);
  const dy = tf.randomNormal([1, s, s, cout]);
  const flop = 2 * s * s * cin * cout * 9;
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
  const cases = [
    ['fwd', () => tf.conv2d(x, w, 1, 'same'), () => true],
    [
      'bwdInput',
      () =>
        tf
          .engine()
          .runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape }),
      () => true,
    ],
    [
      'bwdFilter',
      () =>
        tf
          .engine()
          .runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape }),
      () => tf.getKernel('Conv2DBackpropFilter', 'wasm') != null,
    ],
  ];
  for (const [kind, fn, has] of cases) {
    const r = compare(fn, { rounds: 3, minMs: 20, has });
    conv[kind].push(r.ratio);
    rows.push({
      case: `${name} ${s}x${s}x${cin}->${cout} ${kind}`,
      'ours GFLOP/s': fmt(flop / r.ours / 1e6),
      'stock GFLOP/s': fmt(flop / r.stock / 1e6),
      speedup: fmt(r.ratio, 2),
    });
  }
  tf.dispose([x, w, dy]);
}

// --- seed MLP train step -------------------------------------------------------------------
const B = 32;
const xs = tf.randomUniform([B, 784]);
const ys = tf.cast(tf.oneHot(tf.randomUniform([B], 0, 10, 'int32'), 10), 'float32');
const layers = [
  [784, 256],
  [256, 128],
  [128, 10],
].map(([i, o]) => [
  tf.variable(tf.randomNormal([i, o], 0, Math.sqrt(2 / i))),
  tf.variable(tf.zeros([o])),
]);
const optimizer = tf.train.sgd(0.01);
const step = () => {
  optimizer.minimize(() => {
    let h = xs;
    layers.forEach(([w, b], i) => {
      h = tf.add(tf.matMul(h, w), b);
      if (i < layers.length - 1) h = tf.relu(h);
    });
    return tf.div(tf.sum(tf.square(tf.sub(h, ys))), B);
  });
  return [];
};
const mlp = compare(step, { rounds: 7, minMs: 150 });
rows.push({
  case: 'seed MLP train step (ms)',
  'ours GFLOP/s': `${fmt(mlp.ours, 2)} ms`,
  'stock GFLOP/s': `${fmt(mlp.stock, 2)} ms`,
  speedup: fmt(mlp.ratio, 2),
});

// --- stage 2: worker threads ---------------------------------------------------------------
const THREADS = Math.min(availableParallelism(), 8);
const threadRows = [];
const threadSpeedups = [];
if (THREADS > 1) {
  setWasmKernelThreads(THREADS);
  await wasmKernelsReady();
  await new Promise((resolve) => setTimeout(resolve, 300)); // workers instantiate the module
  const x = tf.randomNormal([1, 28, 28, 256]);
  const w = tf.randomNormal([3, 3, 256, 256]);
  const dy = tf.randomNormal([1, 28, 28, 256]);
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
  const convFlop = 2 * 28 * 28 * 256 * 256 * 9;
  const cases = [
    ['matmul 1024^3 NN', 2 * 1024 ** 3, () => tf.tidy(() => tf.matMul(a, tf.add(b, 0)))],
    ['conv3_2 28x28x256->256 fwd', convFlop, () => tf.conv2d(x, w, 1, 'same')],
    [
      'conv3_2 28x28x256->256 bwdInput',
      convFlop,
      () =>
        tf
          .engine()
          .runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape }),
    ],
    [
      'conv3_2 28x28x256->256 bwdFilter',
      convFlop,
      () =>
        tf
          .engine()
          .runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape }),
    ],
  ];
  for (const [name, flop, fn] of cases) {
    // Interleaved: one thread vs THREADS threads (the pool stays up; 1 only switches it off).
    const one = [];
    const many = [];
    const ratios = [];
    for (let r = 0; r < 4; r++) {
      setWasmKernelThreads(1);
      if (r === 0) tf.dispose(fn());
      const t1 = timeIt(fn, 40);
      setWasmKernelThreads(THREADS);
      if (r === 0) tf.dispose(fn());
      const tn = timeIt(fn, 40);
      one.push(t1);
      many.push(tn);
      ratios.push(t1 / tn);
    }
    threadSpeedups.push(median(ratios));
    threadRows.push({
      case: name,
      '1 thread GFLOP/s': fmt(flop / median(one) / 1e6),
      [`${THREADS} threads GFLOP/s`]: fmt(flop / median(many) / 1e6),
      speedup: fmt(median(ratios), 2),
    });
  }
  setWasmKernelThreads(1);
  tf.dispose([x, w, dy, a, b]);
}

console.table(rows);
if (threadRows.length > 0) {
  console.log(
    `\nStage 2: ours with ${THREADS} threads (worker_threads, shared memory) vs ours with 1`,
  );
  console.table(threadRows);
}
const finite = (xs) => xs.filter(Number.isFinite);
const geo = (xs) =>
  finite(xs).length === 0
    ? NaN
    : Math.exp(finite(xs).reduce((a, x) => a + Math.log(x), 0) / finite(xs).length);
const key = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'nan');
const training = ['NN', 'NT', 'TN'];
console.log(
  `\nbackend wasm simd=${report.simd} threads=${report.threads}; single thread; speedup = stock ms / ours ms ` +
    `(median of interleaved rounds); conv spatial sizes scaled down from 224 (channels real); ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.log(
  [
    'BENCH kernels-wasm',
    `matmul512_gflops=${key(matmul['512^3 NN'].gflops)}`,
    `matmul1024_gflops=${key(matmul['1024^3 NN'].gflops)}`,
    `matmul512_speedup_train=${key(geo(training.map((v) => matmul[`512^3 ${v}`].ratio)))}`,
    `matmul512_speedup_cached=${key(matmul['512^3 NN cached'].ratio)}`,
    `matmul256_speedup_train=${key(geo(training.map((v) => matmul[`256^3 ${v}`].ratio)))}`,
    `matmul1024_speedup_train=${key(geo(['NN', 'NT'].map((v) => matmul[`1024^3 ${v}`].ratio)))}`,
    `mlp_layer1_speedup_train=${key(geo(training.map((v) => matmul[`32x784x256 ${v}`].ratio)))}`,
    `conv_fwd_speedup=${key(geo(conv.fwd))}`,
    `conv_bwd_input_speedup=${key(geo(conv.bwdInput))}`,
    `conv_bwd_filter_speedup=${key(geo(conv.bwdFilter))}`,
    `mlp_step_ms=${key(mlp.ours)}`,
    `mlp_step_stock_ms=${key(mlp.stock)}`,
    `mlp_step_speedup=${key(mlp.ratio)}`,
    `threads=${THREADS}`,
    `threads_speedup=${key(geo(threadSpeedups))}`,
  ].join(' '),
);
