// Benchmark: @tfslim/kernels-wasm's filled Conv2DBackpropFilter (fillMissingKernels) on the wasm backend (phase-split
// im2col into wasm memory + wasm's XNNPACK BatchMatMul), against
//   - the cpu backend's own Conv2DBackpropFilter (same shapes), and
//   - the wasm backend's own Conv2D forward (same shapes: same FLOPs),
// at VGG16 layer sizes: 56x56 (conv3, 256->256) and 28x28 (conv4, 512->512), 3x3 'same', batch 1.
// The cpu kernel is a plain JS loop (minutes per call at VGG channel counts), so the cpu
// comparison keeps the spatial size and cuts the channels (56x56 8->8, 28x28 16->16);
// the wasm speed-up grows with channels, so these ratios understate it.
// Every timed call gets fresh dy / filter tensors (as in training, where they change each
// step), so XNNPACK repacks its weights every call on both sides.
// Ratios: median over interleaved rounds (A, B, B, A, ...), in this one process, one thread.
// Uses the BUILT packages: run `npx nx run @tfslim/backend-selector:build` first.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { median } from './lib/stats.mjs';

const started = performance.now();
await selectBackend({ require: 'cpu', env: {} });
// Stock tfjs-backend-wasm kernels (no @tfslim/kernels-wasm replacements): the filled
// Conv2DBackpropFilter runs on wasm's own BatchMatMul and is compared with wasm's own Conv2D.
const report = await selectBackend({ require: 'wasm', env: { TFSLIM_WASM_KERNELS: 'stock' } });
if (!report.filledKernels.includes('Conv2DBackpropFilter')) {
  throw new Error(
    `expected backend-selector to fill Conv2DBackpropFilter on wasm, got filledKernels ${JSON.stringify(report.filledKernels)}`,
  );
}

/**
 * ms per call of fn(inputs), averaged over calls until `minMs` of measured time (at least
 * one); fresh() returns [inputs, tensors made for that call only], created outside the timing
 * and disposed after it.
 */
function timeCalls(fresh, fn, minMs = 100) {
  let total = 0;
  let calls = 0;
  do {
    const [inputs, made] = fresh();
    const start = performance.now();
    const out = fn(inputs);
    out.dataSync();
    total += performance.now() - start;
    calls++;
    tf.dispose([out, ...made]);
  } while (total < minMs);
  return total / calls;
}

/** Interleaved rounds of a and b (each {backend, fresh, fn}); medians and median ratio b/a. */
async function compare(a, b, rounds) {
  const ta = [];
  const tb = [];
  const ratios = [];
  for (const side of [a, b]) {
    if (side.noWarmUp) continue; // the cpu kernel takes seconds: its rounds are enough
    await tf.setBackend(side.backend);
    timeCalls(side.fresh, side.fn, 0); // warm-up
  }
  for (let r = 0; r < rounds; r++) {
    const sample = new Map();
    for (const side of r % 2 === 0 ? [a, b] : [b, a]) {
      await tf.setBackend(side.backend);
      sample.set(side, timeCalls(side.fresh, side.fn));
    }
    ta.push(sample.get(a));
    tb.push(sample.get(b));
    ratios.push(sample.get(b) / sample.get(a));
  }
  return { a: median(ta), b: median(tb), ratio: median(ratios) };
}

/** [inputs, made]: `tensors` with the ones at `fresh` indices replaced by new copies. */
function withCopies(tensors, ...fresh) {
  const made = fresh.map((i) => tf.add(tensors[i], 0)); // new dataId, same values
  const inputs = tensors.map((t, i) => (fresh.includes(i) ? made[fresh.indexOf(i)] : t));
  return [inputs, made];
}
const attrs = (filterShape) => ({ strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape });
const backprop = ([x, dy, filterShape]) =>
  tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs(filterShape));

/** Inputs of one case, created on `backend`. */
async function tensorsOn(backend, size, cin, cout, seed) {
  await tf.setBackend(backend);
  return {
    x: tf.randomNormal([1, size, size, cin], 0, 1, 'float32', seed),
    w: tf.randomNormal([3, 3, cin, cout], 0, 0.1, 'float32', seed + 1),
    dy: tf.randomNormal([1, size, size, cout], 0, 1, 'float32', seed + 2),
  };
}

const rows = [];
const results = {};
const gflops = (size, cin, cout, ms) => (2 * 9 * size * size * cin * cout) / ms / 1e6;

for (const [size, vggC, cpuC] of [
  [56, 256, 8],
  [28, 512, 16],
]) {
  // wasm backprop vs wasm forward, VGG shapes.
  const t = await tensorsOn('wasm', size, vggC, vggC, size);
  const fwd = await compare(
    {
      backend: 'wasm',
      fresh: () => withCopies([t.x, t.dy, [3, 3, vggC, vggC]], 1),
      fn: (inputs) => backprop(inputs),
    },
    {
      backend: 'wasm',
      fresh: () => withCopies([t.x, t.w], 1),
      fn: ([x, w]) => tf.conv2d(x, w, 1, 'same'),
    },
    5,
  );
  tf.dispose([t.x, t.w, t.dy]);

  // wasm backprop vs cpu backprop, reduced channels.
  const tw = await tensorsOn('wasm', size, cpuC, cpuC, size + 100);
  const tc = await tensorsOn('cpu', size, cpuC, cpuC, size + 100);
  const cpu = await compare(
    {
      backend: 'wasm',
      fresh: () => withCopies([tw.x, tw.dy, [3, 3, cpuC, cpuC]], 1),
      fn: backprop,
    },
    {
      backend: 'cpu',
      fresh: () => withCopies([tc.x, tc.dy, [3, 3, cpuC, cpuC]], 1),
      fn: backprop,
      noWarmUp: true,
    },
    3,
  );
  await tf.setBackend('wasm');
  tf.dispose([tw.x, tw.w, tw.dy]);
  await tf.setBackend('cpu');
  tf.dispose([tc.x, tc.w, tc.dy]);
  await tf.setBackend('wasm');

  results[size] = { vsForward: 1 / fwd.ratio, vsCpu: cpu.ratio };
  rows.push(
    {
      case: `${size}x${size} ${vggC}->${vggC}: filled backprop-filter (wasm)`,
      ms: fwd.a.toFixed(1),
      'GFLOP/s': gflops(size, vggC, vggC, fwd.a).toFixed(2),
      ratio: `${(1 / fwd.ratio).toFixed(2)}x forward time`,
    },
    {
      case: `${size}x${size} ${vggC}->${vggC}: conv2d forward (wasm)`,
      ms: fwd.b.toFixed(1),
      'GFLOP/s': gflops(size, vggC, vggC, fwd.b).toFixed(2),
      ratio: '',
    },
    {
      case: `${size}x${size} ${cpuC}->${cpuC}: filled backprop-filter (wasm)`,
      ms: cpu.a.toFixed(2),
      'GFLOP/s': gflops(size, cpuC, cpuC, cpu.a).toFixed(2),
      ratio: `${cpu.ratio.toFixed(1)}x faster than cpu`,
    },
    {
      case: `${size}x${size} ${cpuC}->${cpuC}: backprop-filter (cpu backend)`,
      ms: cpu.b.toFixed(1),
      'GFLOP/s': gflops(size, cpuC, cpuC, cpu.b).toFixed(3),
      ratio: '',
    },
  );
}

console.table(rows);
console.log(
  `\nwasm simd=${report.simd} threads=${report.threads}; ratio_vs_cpu = cpu ms / wasm ms (target >= 4); ` +
    `ratio_vs_forward = backprop-filter ms / forward ms (target <= 1.5); medians of interleaved rounds; ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.log(
  `BENCH conv-backprop-filter ratio_vs_cpu_56=${results[56].vsCpu.toFixed(2)}` +
    ` ratio_vs_forward_56=${results[56].vsForward.toFixed(2)}` +
    ` ratio_vs_cpu_28=${results[28].vsCpu.toFixed(2)}` +
    ` ratio_vs_forward_28=${results[28].vsForward.toFixed(2)}`,
);
