// Benchmark of reading a V1 checkpoint (slim's 2016 model zoo format) with @tfslim/checkpoint
// (built package): a vgg_16.ckpt with slim's VGG-16 names and real shapes (138,357,544
// float32, ~553 MB, random weights) written by TensorFlow's own V1 Saver in a temp dir, read
// tensor by tensor (CheckpointReader.open + getRaw of every variable), against a plain
// fs.promises.readFile of the same file and TensorFlow's load_checkpoint + get_tensor of every
// variable, interleaved in one run; and the peak RSS of a fresh child that reads it
// (streaming: each tensor dropped; and loading: every tensor kept, as restore does).
// Run: (cd packages/checkpoint && npx tsup) && node tools/bench/v1-read.mjs
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckpointReader } from '@tfslim/checkpoint';
import { maxRssBytes, median } from './lib/stats.mjs';

const REPS = 3;
const MB = 1e6;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const python = join(process.env.TFSLIM_TF_VENV ?? join(root, '.venv'), 'bin', 'python');

/** Reads every tensor; keeps them when `keep`. Returns the bytes read. */
async function readAll(file, keep) {
  const r = await CheckpointReader.open(file);
  const kept = [];
  let bytes = 0;
  for (const v of r.listVariables()) {
    const raw = await r.getRaw(v.name);
    bytes += raw.data.byteLength;
    if (keep) kept.push(raw);
  }
  return { bytes, kept: kept.length };
}

// ------------------------------------------------------------------ child: peak RSS of a read
if (process.argv[2] === '--child') {
  const [, , , mode, file] = process.argv;
  const before = maxRssBytes();
  await readAll(file, mode === 'load');
  console.log(JSON.stringify({ before, peak: maxRssBytes() }));
  process.exit(0);
}

// ----------------------------------------------------------------------------- main
if (!fs.existsSync(python)) {
  console.log(
    `v1-read: skipped, no TensorFlow venv at ${dirname(dirname(python))} (npm run native:setup)`,
  );
  console.log('BENCH v1-read skipped=no_tf_venv');
  process.exit(0);
}
const dir = fs.mkdtempSync(join(tmpdir(), 'tfslim-bench-v1-'));
const runPy = (script, input) => {
  const out = spawnSync(python, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '-1' },
  });
  if (out.status !== 0) throw new Error(`python failed: ${out.stderr.slice(-3000)}`);
  return JSON.parse(out.stdout.trim().split('\n').pop());
};
try {
  const t0 = performance.now();
  const writer = fs.readFileSync(join(root, 'packages/checkpoint/test/tf-write-v1.py'), 'utf8');
  const { files } = runPy(writer, { dir, vggScale: 1, refs: false });
  const file = files.vgg;
  const size = fs.statSync(file).size;
  console.log(
    `wrote ${file} (${(size / MB).toFixed(1)} MB) with TF in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // Peak RSS first, in fresh children, before this process allocates anything big.
  const self = fileURLToPath(import.meta.url);
  const child = (mode) => {
    const out = spawnSync(process.execPath, [self, '--child', mode, file], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`child ${mode} failed: ${out.stderr}`);
    return JSON.parse(out.stdout.trim().split('\n').pop());
  };
  const rss = { stream: child('stream'), load: child('load') };

  // TF: one Python process, timed inside it (TF's import excluded), once per rep.
  const tfTimes = runPy(
    `import json, sys, time
import tensorflow as tf
inp = json.load(sys.stdin)
out = []
for _ in range(inp["reps"]):
    t0 = time.perf_counter()
    r = tf.train.load_checkpoint(inp["file"])
    n = sum(r.get_tensor(k).nbytes for k in r.get_variable_to_shape_map())
    out.append(time.perf_counter() - t0)
print(json.dumps({"times": out, "bytes": n}))`,
    { file, reps: REPS },
  );

  const T = { ours: [], fs: [] };
  let tensorBytes = 0;
  const time = async (f) => {
    const t = performance.now();
    await f();
    return (performance.now() - t) / 1000;
  };
  // Warm the page cache (untimed) so every method reads from memory alike.
  await fs.promises.readFile(file);
  for (let r = 0; r < REPS; r++) {
    const ours = async () =>
      T.ours.push(await time(async () => (tensorBytes = (await readAll(file, false)).bytes)));
    const plain = async () => T.fs.push(await time(() => fs.promises.readFile(file)));
    for (const f of r % 2 === 0 ? [ours, plain] : [plain, ours]) await f();
  }
  const m = { ours: median(T.ours), fs: median(T.fs), tf: median(tfTimes.times) };
  const mbs = (s) => size / s / MB;
  const runs = (xs) => xs.map((x) => x.toFixed(2)).join(', ');
  console.log(
    `V1 vgg_16.ckpt, ${(size / MB).toFixed(1)} MB file, ${(tensorBytes / MB).toFixed(1)} MB of tensors (median of ${REPS}, page cache warm)`,
  );
  console.log(
    `  ours: open + getRaw of every variable  ${m.ours.toFixed(2)} s  ${mbs(m.ours).toFixed(0)} MB/s   runs ${runs(T.ours)}`,
  );
  console.log(
    `  fs.promises.readFile                    ${m.fs.toFixed(2)} s  ${mbs(m.fs).toFixed(0)} MB/s   runs ${runs(T.fs)}`,
  );
  console.log(
    `  TF load_checkpoint + get_tensor (all)   ${m.tf.toFixed(2)} s  ${mbs(m.tf).toFixed(0)} MB/s   runs ${runs(tfTimes.times)}`,
  );
  console.log(
    `  ratio fs / ours ${(m.fs / m.ours).toFixed(2)}   ratio TF / ours ${(m.tf / m.ours).toFixed(2)}   (> 1: ours faster)`,
  );
  const largest = 4 * 7 * 7 * 512 * 4096;
  console.log(
    `Peak RSS in a fresh child (tensors ${(tensorBytes / MB).toFixed(0)} MB; largest, fc6/weights, ${(largest / MB).toFixed(0)} MB):`,
  );
  console.log(
    `  stream (each tensor dropped)  ${(rss.stream.peak / MB).toFixed(0)} MB   (${((rss.stream.peak - rss.stream.before) / MB).toFixed(0)} MB above the start)`,
  );
  console.log(
    `  load (every tensor kept)      ${(rss.load.peak / MB).toFixed(0)} MB = ${(rss.load.peak / tensorBytes).toFixed(2)}x the tensors   (${((rss.load.peak - rss.load.before - tensorBytes) / MB).toFixed(0)} MB above start + tensors)`,
  );
  console.log(
    `BENCH v1-read file_mb=${(size / MB).toFixed(1)} ours_s=${m.ours.toFixed(3)} ours_mbs=${mbs(m.ours).toFixed(0)} ` +
      `fs_s=${m.fs.toFixed(3)} fs_mbs=${mbs(m.fs).toFixed(0)} tf_s=${m.tf.toFixed(3)} tf_mbs=${mbs(m.tf).toFixed(0)} ` +
      `ratio_fs_over_ours=${(m.fs / m.ours).toFixed(2)} ratio_tf_over_ours=${(m.tf / m.ours).toFixed(2)} ` +
      `stream_peak_rss_mb=${(rss.stream.peak / MB).toFixed(0)} load_peak_rss_mb=${(rss.load.peak / MB).toFixed(0)} ` +
      `load_peak_rss_x=${(rss.load.peak / tensorBytes).toFixed(2)}`,
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
