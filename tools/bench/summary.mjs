// Benchmark of @tfslim/summary (built package): scalars logged per second through
// SummaryWriter, including the writes to disk, and memory over 1M scalars.
// Run: (cd packages/summary && npx tsup) && node tools/bench/summary.mjs
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import { SummaryWriter, readEvents } from '@tfslim/summary';
import { median } from './lib/stats.mjs';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const root = mkdtempSync(join(tmpdir(), 'tfslim-bench-summary-'));
const TAGS = ['loss', 'accuracy', 'learning_rate', 'grad_norm'];
const yieldToLoop = () => setImmediatePromise();

/** Logs `n` scalars like a training loop (an await every 1000 scalars); returns scalars/s. */
async function numbers(n) {
  const w = new SummaryWriter(mkdtempSync(join(root, 'n-')), { maxQueue: 10 });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    w.scalar(TAGS[i & 3], i * 1e-4, i >> 2);
    if (i % 1000 === 999) await yieldToLoop();
  }
  await w.close();
  return n / ((performance.now() - t0) / 1000);
}

/** Same with tensor-likes (async `data()`), the path tfjs tensors take. */
async function tensors(n) {
  const w = new SummaryWriter(mkdtempSync(join(root, 't-')), { maxQueue: 10 });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const v = new Float32Array([i * 1e-4]);
    w.scalar(TAGS[i & 3], { shape: [], data: () => Promise.resolve(v) }, i >> 2);
    if (i % 1000 === 999) await yieldToLoop();
  }
  await w.close();
  return n / ((performance.now() - t0) / 1000);
}

// Warm-up, then interleaved repetitions.
await numbers(50_000);
await tensors(20_000);
const A = [];
const B = [];
for (let r = 0; r < 5; r++) {
  A.push(await numbers(200_000));
  B.push(await tensors(100_000));
}

// Memory over 1M scalars in one writer: sample heap and RSS after a warm-up and at the end.
const mem = async () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
};
const dir = mkdtempSync(join(root, 'm-'));
const w = new SummaryWriter(dir, { maxQueue: 10 });
let memStart;
const samples = [];
for (let i = 0; i < 1_000_000; i++) {
  w.scalar(TAGS[i & 3], Math.sin(i), i >> 2);
  if (i % 1000 === 999) await yieldToLoop();
  if (i === 99_999) {
    await w.flush();
    memStart = await mem();
  }
  if (i % 100_000 === 99_999) samples.push((await mem()).heap);
}
await w.flush();
const memEnd = await mem();
await w.close();
let count = 0;
for await (const e of readEvents(w.file)) count += e.values.length;
const size = statSync(w.file).size;
rmSync(root, { recursive: true, force: true });

const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log(
  '@tfslim/summary: SummaryWriter.scalar throughput (median of 5, interleaved; includes disk writes)',
);
console.log(
  `  numbers          ${fmt(median(A)).padStart(12)} scalars/s   runs: ${A.map(fmt).join(', ')}`,
);
console.log(
  `  tensor-likes     ${fmt(median(B)).padStart(12)} scalars/s   runs: ${B.map(fmt).join(', ')}`,
);
console.log(`  target             ${fmt(200_000).padStart(10)} scalars/s`);
console.log('1M scalars in one writer:');
console.log(
  `  file ${(size / 2 ** 20).toFixed(1)} MiB, ${count.toLocaleString('en-US')} scalars read back`,
);
console.log(
  `  heap after 100k ${memStart.heap.toFixed(1)} MiB, after 1M ${memEnd.heap.toFixed(1)} MiB; per 100k: ${samples.map((s) => s.toFixed(1)).join(' ')}`,
);
console.log(
  `  rss  after 100k ${memStart.rss.toFixed(1)} MiB, after 1M ${memEnd.rss.toFixed(1)} MiB`,
);
if (count !== 1_000_000) throw new Error(`read back ${count} scalars, expected 1000000`);
console.log(
  `BENCH summary scalars_per_sec=${Math.round(median(A))} tensor_scalars_per_sec=${Math.round(median(B))} ` +
    `target_ratio=${(median(A) / 200_000).toFixed(2)} rss_growth_mb=${(memEnd.rss - memStart.rss).toFixed(1)} ` +
    `heap_growth_mb=${(memEnd.heap - memStart.heap).toFixed(1)}`,
);
