// Benchmark of @tfslim/data (built package): input pipeline throughput, JPEG decode + slim's
// vgg_preprocessing (training: random resize side in [256, 512], random 224 crop, flip, means)
// + batch(32), against tf.data doing the same on the same JPEGs in the venv, in one run.
// 200 synthetic 500x375 JPEGs are written by TF at bench time (two class folders).
// Run: npx nx run @tfslim/data:build && node tools/bench/data-pipeline.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { decodeImage, imageDecoder, imageFolder, seededRandom, vggPreprocess } from '@tfslim/data';
import { median } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const python = join(process.env.TFSLIM_TF_VENV ?? join(root, '.venv'), 'bin', 'python');
const N = 200;
const EPOCHS = 3;
const dir = mkdtempSync(join(tmpdir(), 'tfslim-bench-data-'));

const PY = String.raw`
import json, os, sys, time, numpy as np, tensorflow as tf
d, n, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(0)
yy, xx = np.mgrid[0:375, 0:500].astype(np.float32)
for i in range(n):
    c = os.path.join(d, 'class%d' % (i % 2)); os.makedirs(c, exist_ok=True)
    img = np.stack([127 + 100 * np.sin(xx / (5 + k + i % 7) + yy / (9 + k)) for k in range(3)], -1) + rng.normal(0, 8, (375, 500, 3))
    open(os.path.join(c, '%04d.jpg' % i), 'wb').write(tf.io.encode_jpeg(np.clip(img, 0, 255).astype(np.uint8), quality=90).numpy())
MEANS = tf.constant([123.68, 116.78, 103.94], tf.float32)
def vgg_train(image):
    side = tf.random.uniform([], 256, 513, tf.int32)
    h, w = tf.cast(tf.shape(image)[0], tf.float32), tf.cast(tf.shape(image)[1], tf.float32)
    s = tf.cast(side, tf.float32)
    scale = tf.cond(h > w, lambda: s / w, lambda: s / h)
    nh, nw = tf.cast(h * scale, tf.int32), tf.cast(w * scale, tf.int32)
    r = tf.squeeze(tf.compat.v1.image.resize_bilinear(tf.expand_dims(image, 0), [nh, nw], align_corners=False), 0)
    oh = tf.random.uniform([], maxval=nh - 224 + 1, dtype=tf.int32)
    ow = tf.random.uniform([], maxval=nw - 224 + 1, dtype=tf.int32)
    x = tf.image.random_flip_left_right(tf.slice(r, [oh, ow, 0], [224, 224, 3]))
    return x - MEANS
files = sorted(tf.io.gfile.glob(os.path.join(d, '*', '*.jpg')))
labels = [int(os.path.basename(os.path.dirname(f))[-1]) for f in files]
def run(par):
    ds = tf.data.Dataset.from_tensor_slices((files, labels))
    ds = ds.map(lambda f, l: (vgg_train(tf.io.decode_jpeg(tf.io.read_file(f), channels=3)), l), num_parallel_calls=par)
    ds = ds.batch(32).prefetch(2)
    t0 = time.perf_counter(); k = 0
    for x, l in ds: k += int(x.shape[0])
    return k / (time.perf_counter() - t0)
out = {'tf': tf.__version__, 'threads': os.cpu_count()}
for name, par in [('seq', None), ('autotune', tf.data.AUTOTUNE)]:
    run(par)
    out[name] = [run(par) for _ in range(epochs)]
print(json.dumps(out))
`;

async function ours(backend) {
  await selectBackend({ require: backend, env: {} });
  const { dataset } = await imageFolder(dir);
  const rng = seededRandom(0);
  const pipeline = dataset
    .map(
      async ({ bytes, label }) => {
        const img = await decodeImage(bytes);
        const x = vggPreprocess(img, { isTraining: true, rng });
        img.dispose();
        return [x, label];
      },
      { numParallelCalls: 4 },
    )
    .batch(32)
    .prefetch(2);
  const epoch = async () => {
    const t0 = performance.now();
    let k = 0;
    for await (const [x, y] of pipeline) {
      k += x.shape[0];
      tf.dispose([x, y]);
    }
    return k / ((performance.now() - t0) / 1000);
  };
  await epoch();
  const runs = [];
  for (let e = 0; e < EPOCHS; e++) runs.push(await epoch());
  return { runs, decoder: imageDecoder() };
}

if (!existsSync(python)) {
  console.log(`data-pipeline: no TensorFlow venv at ${python} (run npm run native:setup)`);
  process.exit(0);
}
const py = spawnSync(python, ['-c', PY, dir, String(N), String(EPOCHS)], {
  encoding: 'utf8',
  env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '-1' },
  maxBuffer: 16 << 20,
});
if (py.status !== 0) throw new Error(`tf.data side failed:\n${py.stderr.slice(-3000)}`);
const tfd = JSON.parse(py.stdout.trim().split('\n').pop());

const results = {};
for (const backend of ['cpu', 'tensorflow']) {
  try {
    results[backend] = await ours(backend);
  } catch (e) {
    console.log(`  ${backend}: skipped (${e.message.split('\n')[0]})`);
  }
}
rmSync(dir, { recursive: true, force: true });

const fmt = (x) => x.toFixed(1);
const seq = median(tfd.seq);
const auto = median(tfd.autotune);
console.log(
  `@tfslim/data: ${N} JPEGs 500x375 -> decode + vgg_preprocessing (train) + batch(32); images/s, median of ${EPOCHS} epochs`,
);
console.log(
  `  tf.data (TF ${tfd.tf}) num_parallel_calls=None     ${fmt(seq).padStart(8)}   runs: ${tfd.seq.map(fmt).join(', ')}`,
);
console.log(
  `  tf.data num_parallel_calls=AUTOTUNE (${tfd.threads} cores) ${fmt(auto).padStart(8)}   runs: ${tfd.autotune.map(fmt).join(', ')}`,
);
const kv = [`tfdata_seq_ips=${fmt(seq)}`, `tfdata_autotune_ips=${fmt(auto)}`];
for (const [backend, r] of Object.entries(results)) {
  const m = median(r.runs);
  console.log(
    `  @tfslim/data on ${backend} (decoder ${r.decoder}, numParallelCalls 4) ${fmt(m).padStart(8)}   runs: ${r.runs.map(fmt).join(', ')}   vs tf.data seq ${(m / seq).toFixed(2)}x, autotune ${(m / auto).toFixed(2)}x`,
  );
  kv.push(
    `${backend}_ips=${fmt(m)}`,
    `${backend}_vs_tfdata_seq=${(m / seq).toFixed(2)}`,
    `${backend}_vs_tfdata_autotune=${(m / auto).toFixed(2)}`,
  );
}
console.log(`BENCH data-pipeline ${kv.join(' ')}`);
