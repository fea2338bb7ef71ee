// Benchmark of @tfslim/checkpoint (built package): saveCheckpoint and restore of VGG16-sized
// variables (138,357,544 float32, 553 MB) against raw fs.promises.writeFile / readFile of the
// same bytes, and the peak RSS of each in a fresh child process (so runs cannot pollute each
// other's memory). Targets: speed ratio (raw time / our time) >= 0.5; peak RSS <= 1.5x the
// weights. saveCheckpoint also fsyncs (durability); the raw+fsync ratio is printed beside it.
// Run: (cd packages/checkpoint && npx tsup) && node tools/bench/checkpoint.mjs
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  CheckpointReader,
  crc32c,
  crc32cImplementation,
  restore,
  saveCheckpoint,
} from '@tfslim/checkpoint';
import { median } from './lib/stats.mjs';

const VGG16 = [
  ['conv1/conv1_1', [3, 3, 3, 64]],
  ['conv1/conv1_2', [3, 3, 64, 64]],
  ['conv2/conv2_1', [3, 3, 64, 128]],
  ['conv2/conv2_2', [3, 3, 128, 128]],
  ['conv3/conv3_1', [3, 3, 128, 256]],
  ['conv3/conv3_2', [3, 3, 256, 256]],
  ['conv3/conv3_3', [3, 3, 256, 256]],
  ['conv4/conv4_1', [3, 3, 256, 512]],
  ['conv4/conv4_2', [3, 3, 512, 512]],
  ['conv4/conv4_3', [3, 3, 512, 512]],
  ['conv5/conv5_1', [3, 3, 512, 512]],
  ['conv5/conv5_2', [3, 3, 512, 512]],
  ['conv5/conv5_3', [3, 3, 512, 512]],
  ['fc6', [7, 7, 512, 4096]],
  ['fc7', [1, 1, 4096, 4096]],
  ['fc8', [1, 1, 4096, 1000]],
];
const REPS = 3;
const MB = 1e6;

/** {slim name: tf.Variable} for VGG16, values a cheap pattern (CRC cost is data-independent). */
function makeVariables(fill) {
  const vars = {};
  for (const [layer, shape] of VGG16) {
    for (const [leaf, s] of [
      ['weights', shape],
      ['biases', [shape[3]]],
    ]) {
      const n = s.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      if (fill) for (let i = 0; i < n; i++) data[i] = ((i % 1021) - 510) * 1e-3;
      const t = tf.tensor(data, s);
      vars[`vgg_16/${layer}/${leaf}`] = tf.variable(t, true, `vgg_16/${layer}/${leaf}`);
      t.dispose();
    }
  }
  return vars;
}

const weightBytes = () =>
  4 * VGG16.reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1) + s[3], 0);
// Peak RSS of this process's own memory. Linux: VmHWM (getrusage's maxRSS can carry the
// parent's peak over fork); elsewhere maxRSS.
const maxRssBytes = () => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
};

// ------------------------------------------------------------------ child: peak RSS of one op
if (process.argv[2] === '--child') {
  await selectBackend({ require: 'cpu', env: {} });
  const [, , , op, target] = process.argv;
  let vars;
  // Initialized variables (pages touched), as after slim's initialization.
  if (op !== 'load') vars = makeVariables(true);
  const before = maxRssBytes();
  if (op === 'save') await saveCheckpoint(target, vars, { globalStep: 1 });
  else if (op === 'restore') await restore(target, vars);
  else {
    // A fresh process loading a checkpoint into new variables.
    const r = await CheckpointReader.open(target);
    vars = {};
    for (const v of r.listVariables()) {
      const t = await r.getTensor(v.name);
      vars[v.name] = tf.variable(t, true, v.name);
      t.dispose();
    }
  }
  console.log(JSON.stringify({ before, peak: maxRssBytes() }));
  process.exit(0);
}

// ----------------------------------------------------------------------------- main
await selectBackend({ require: 'cpu', env: {} });
const root = fs.mkdtempSync(join(tmpdir(), 'tfslim-bench-ckpt-'));
const W = weightBytes();

// Peak RSS first, one fresh child per operation, before this process allocates anything big.
const self = fileURLToPath(import.meta.url);
const child = (op, target) => {
  const out = spawnSync(process.execPath, [self, '--child', op, target], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`child ${op} failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop());
};
const rss = { save: child('save', join(root, 'rss')) };
const rssCkpt = join(root, 'rss', 'model.ckpt-1');
rss.restore = child('restore', rssCkpt);
rss.load = child('load', rssCkpt);
fs.rmSync(join(root, 'rss'), { recursive: true });

// CRC32C implementations on 64 MB (the pick: native when it loads).
const crcBuf = new Uint8Array(64 << 20).map((_, i) => i * 31);
const crcImpl = await crc32cImplementation();
let native;
try {
  native = (await import('@node-rs/crc32')).crc32c;
} catch {
  native = undefined;
}
const rate = (f) => {
  const t0 = performance.now();
  f(crcBuf);
  return crcBuf.length / ((performance.now() - t0) / 1000) / 1e9;
};
const crcJs = median([0, 1, 2].map(() => rate((b) => crc32c(b))));
const crcNative = native ? median([0, 1, 2].map(() => rate((b) => native(b, 0)))) : NaN;

// Speed: interleaved, alternating which goes first; every file fsynced (and deleted) before
// the next timed operation, so one's writeback does not slow the other down.
const vars = makeVariables(true);
const raw = Buffer.allocUnsafe(W);
{
  let at = 0;
  for (const v of Object.values(vars)) {
    const d = v.dataSync();
    raw.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
}
// Each timed operation starts with the page cache's dirty data written out (`sync`), so
// one operation's writeback cannot throttle the next.
const settle = () => {
  if (process.platform !== 'win32') spawnSync('sync');
};
const time = async (f, clean = true) => {
  if (clean) settle();
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};
const fsyncFile = async (file) => {
  const fh = await fs.promises.open(file, 'r+');
  await fh.sync();
  await fh.close();
};
// Warm-up (untimed): the first large write of a process is slower for either method.
await saveCheckpoint(join(root, 'warm'), vars, { globalStep: 0 });
await fs.promises.writeFile(join(root, 'warm.bin'), raw);
fs.rmSync(join(root, 'warm'), { recursive: true });
fs.rmSync(join(root, 'warm.bin'));
const T = { save: [], write: [], writeSync: [], restore: [], read: [] };
for (let r = 0; r < REPS; r++) {
  const dir = join(root, `ckpt${r}`);
  const rawFile = join(root, `raw${r}.bin`);
  let prefix;
  const ours = async () => {
    T.save.push(
      await time(async () => (prefix = await saveCheckpoint(dir, vars, { globalStep: r }))),
    );
  };
  const theirs = async () => {
    const w = await time(() => fs.promises.writeFile(rawFile, raw));
    T.write.push(w);
    T.writeSync.push(w + (await time(() => fsyncFile(rawFile), false)));
  };
  for (const f of r % 2 === 0 ? [ours, theirs] : [theirs, ours]) await f();
  const back = async () => T.restore.push(await time(() => restore(prefix, vars)));
  const readRaw = async () => T.read.push(await time(() => fs.promises.readFile(rawFile)));
  for (const f of r % 2 === 0 ? [back, readRaw] : [readRaw, back]) await f();
  fs.rmSync(rawFile);
  fs.rmSync(dir, { recursive: true });
}
tf.dispose(Object.values(vars));
fs.rmSync(root, { recursive: true, force: true });

const m = Object.fromEntries(Object.entries(T).map(([k, v]) => [k, median(v)]));
const gbs = (s) => (W / s / 1e9).toFixed(2);
const runs = (xs) => xs.map((x) => x.toFixed(2)).join(', ');
console.log(
  `@tfslim/checkpoint: VGG16-sized variables, ${(W / MB).toFixed(1)} MB float32, cpu backend (median of ${REPS}, interleaved)`,
);
console.log(
  `  saveCheckpoint        ${m.save.toFixed(2)} s  ${gbs(m.save)} GB/s   runs ${runs(T.save)}`,
);
console.log(
  `  fs.writeFile          ${m.write.toFixed(2)} s  ${gbs(m.write)} GB/s   runs ${runs(T.write)}`,
);
console.log(
  `  fs.writeFile + fsync  ${m.writeSync.toFixed(2)} s  ${gbs(m.writeSync)} GB/s   runs ${runs(T.writeSync)}`,
);
console.log(
  `  restore               ${m.restore.toFixed(2)} s  ${gbs(m.restore)} GB/s   runs ${runs(T.restore)}`,
);
console.log(
  `  fs.readFile           ${m.read.toFixed(2)} s  ${gbs(m.read)} GB/s   runs ${runs(T.read)}`,
);
console.log(
  `  ratio save (raw writeFile / save)       ${(m.write / m.save).toFixed(2)}   (vs writeFile+fsync ${(m.writeSync / m.save).toFixed(2)})   target >= 0.5`,
);
console.log(
  `  ratio restore (raw readFile / restore)  ${(m.read / m.restore).toFixed(2)}   target >= 0.5`,
);
const x = (r) => (r.peak / W).toFixed(2);
const mb = (b) => (b / MB).toFixed(0);
console.log(
  `CRC32C: ${crcImpl} in use; pure TS ${crcJs.toFixed(2)} GB/s, @node-rs/crc32 ${crcNative.toFixed(2)} GB/s`,
);
console.log('Peak RSS in a fresh child (weights', mb(W), 'MB; target <= 1.5x):');
console.log(
  `  save      ${mb(rss.save.peak)} MB = ${x(rss.save)}x   (after creating the variables: ${mb(rss.save.before)} MB)`,
);
console.log(
  `  restore   ${mb(rss.restore.peak)} MB = ${x(rss.restore)}x   (into initialized variables; floor: weights + largest tensor fc6 = ${((W + 4 * 7 * 7 * 512 * 4096) / W).toFixed(2)}x)`,
);
console.log(
  `  load      ${mb(rss.load.peak)} MB = ${x(rss.load)}x   (fresh process: reader -> new variables)`,
);
console.log(
  `BENCH checkpoint save_s=${m.save.toFixed(3)} write_s=${m.write.toFixed(3)} save_ratio=${(m.write / m.save).toFixed(2)} ` +
    `save_ratio_vs_fsync=${(m.writeSync / m.save).toFixed(2)} restore_s=${m.restore.toFixed(3)} read_s=${m.read.toFixed(3)} ` +
    `restore_ratio=${(m.read / m.restore).toFixed(2)} save_peak_rss_x=${x(rss.save)} restore_peak_rss_x=${x(rss.restore)} ` +
    `load_peak_rss_x=${x(rss.load)} weights_mb=${mb(W)} crc32c=${crcImpl} crc_js_gbs=${crcJs.toFixed(2)} crc_native_gbs=${crcNative.toFixed(2)}`,
);
