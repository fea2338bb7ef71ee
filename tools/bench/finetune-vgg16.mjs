// Benchmark: the fine-tuning step of examples/finetune-vgg16 (VGG16, only the new fc8 head
// trainable) on the native backend (@tensorflow/tfjs-node, `tensorflow`) against Keras on the
// same TensorFlow, in one run.
// - ours: vgg16 inside vggArgScope (weight decay 0.0005, as slim's recipe has it),
//   sparseSoftmaxCrossEntropy on N classes, createTrainOp({ variablesToTrain: ['vgg_16/fc8'] })
//   + Momentum(0.01, 0.9): the example's phase 1 step;
// - keras: keras.applications.VGG16(weights=None), its base and fc1/fc2 frozen
//   (trainable = False), a new Dense(N) head on fc2 (= slim's fc8), SGD(0.01, momentum 0.9),
//   one GradientTape step eager and one in tf.function.
// Batch BATCH of 224x224x3 random input, dropout on (training). Two warm-up steps each, then
// rounds that interleave ours / keras eager / keras function (STEPS steps each); images/sec
// from the median step, ratio = median of per-round ratios (ours / Keras, in images/sec).
// Env: FT_BENCH_ROUNDS (3), FT_BENCH_STEPS (3), FT_BENCH_BATCH (4), FT_BENCH_CLASSES (5).
// Never runs on cpu (a step takes minutes there). Uses the BUILT packages (npm run build).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { createTrainOp } from '@tfslim/learning';
import { sparseSoftmaxCrossEntropy } from '@tfslim/losses';
import { vgg16, vggArgScope } from '@tfslim/nets-vgg';
import { VariableStore, argScope } from '@tfslim/variables';
import { median, pad } from './lib/stats.mjs';

const ROUNDS = Number(process.env.FT_BENCH_ROUNDS ?? 3);
const STEPS = Number(process.env.FT_BENCH_STEPS ?? 3);
const BATCH = Number(process.env.FT_BENCH_BATCH ?? 4);
const CLASSES = Number(process.env.FT_BENCH_CLASSES ?? 5);
const load = () => loadavg()[0].toFixed(1);
const started = performance.now();
const loadBefore = load();

try {
  await selectBackend({ require: 'tensorflow', env: {} });
} catch (e) {
  console.log(`finetune-vgg16: skipped, no tensorflow backend here (${e.message.split('\n')[0]})`);
  console.log('BENCH finetune-vgg16 skipped=no-tensorflow-backend');
  process.exit(0);
}

// The Keras side: a line server in the venv (one JSON command in, one JSON line out).
const KERAS = String.raw`
import json, os, sys, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np
import tensorflow as tf
import keras

batch, classes = int(sys.argv[1]), int(sys.argv[2])
base = keras.applications.VGG16(weights=None)
for layer in base.layers:
    layer.trainable = False
head = keras.layers.Dense(classes, name='fc8')(base.get_layer('fc2').output)
model = keras.Model(base.input, head)
opt = keras.optimizers.SGD(0.01, momentum=0.9)
lossf = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
rng = np.random.default_rng(0)
x = tf.constant(rng.standard_normal((batch, 224, 224, 3), dtype=np.float32))
y = tf.constant(np.arange(batch) % classes)

def step():
    with tf.GradientTape() as tape:
        loss = lossf(y, model(x, training=True))
    g = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(g, model.trainable_variables))
    return loss

steps = {'eager': step, 'function': tf.function(step)}
for f in steps.values():
    f().numpy(); f().numpy()
print(json.dumps({'tf': tf.__version__, 'keras': keras.__version__,
                  'trainable': [v.path for v in model.trainable_variables]}), flush=True)
for line in sys.stdin:
    msg = json.loads(line)
    if msg['cmd'] == 'quit':
        break
    times = []
    for _ in range(msg['steps']):
        t = time.perf_counter()
        steps[msg['mode']]().numpy()
        times.append(time.perf_counter() - t)
    print(json.dumps({'times': times}), flush=True)
`;

async function startKeras() {
  const venv =
    process.env.TFSLIM_TF_VENV ??
    join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), '.venv');
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python)) return { keras: null, reason: `no TensorFlow venv at ${venv}` };
  const child = spawn(python, ['-c', KERAS, String(BATCH), String(CLASSES)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, CUDA_VISIBLE_DEVICES: '-1' },
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the Keras server exited early');
    return JSON.parse(value);
  };
  const hello = await next();
  return {
    keras: {
      versions: `tf ${hello.tf}, keras ${hello.keras}`,
      trainable: hello.trainable,
      async times(mode) {
        child.stdin.write(`${JSON.stringify({ cmd: 'run', mode, steps: STEPS })}\n`);
        return (await next()).times;
      },
      close: () => child.stdin.end(`${JSON.stringify({ cmd: 'quit' })}\n`),
    },
    reason: null,
  };
}

const store = new VariableStore();
const images = tf.randomNormal([BATCH, 224, 224, 3], 0, 1, 'float32', 0);
const labels = tf.tensor1d(
  Array.from({ length: BATCH }, (_, i) => i % CLASSES),
  'int32',
);
const trainOp = createTrainOp(
  (_losses, x, y) =>
    sparseSoftmaxCrossEntropy(
      argScope(vggArgScope({ weightDecay: 0.0005 }), () =>
        vgg16(x, { numClasses: CLASSES, isTraining: true }),
      ).net,
      y,
    ),
  tf.train.momentum(0.01, 0.9),
  { store, variablesToTrain: ['vgg_16/fc8'] },
);
const oursStep = () => {
  const t = performance.now();
  const loss = trainOp(images, labels);
  loss.dataSync();
  loss.dispose();
  return (performance.now() - t) / 1000;
};

const { keras, reason } = await startKeras();
if (!keras) console.log(`finetune-vgg16: Keras side skipped: ${reason}`);

oursStep(); // warm-up: variables, oneDNN primitives, allocator
oursStep();
const trained = trainOp.variablesToTrain.map((v) => store.nameOf(v));
const tensorsAfterWarmup = tf.memory().numTensors;
const ours = [];
const eager = [];
const fn = [];
const ratiosEager = [];
const ratiosFn = [];
for (let r = 0; r < ROUNDS; r++) {
  const o = [];
  for (let s = 0; s < STEPS; s++) o.push(oursStep());
  ours.push(...o);
  if (keras) {
    const e = await keras.times('eager');
    const f = await keras.times('function');
    eager.push(...e);
    fn.push(...f);
    // ours / Keras in images/sec = Keras' s/step / ours.
    ratiosEager.push(median(e) / median(o));
    ratiosFn.push(median(f) / median(o));
  }
  console.log(`round ${r + 1}/${ROUNDS}: load ${load()}`);
}
keras?.close();
const leaked = tf.memory().numTensors - tensorsAfterWarmup;

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const ips = (times) => (times.length ? BATCH / median(times) : NaN);
const rE = keras ? median(ratiosEager) : NaN;
const rF = keras ? median(ratiosFn) : NaN;
console.log(
  `\nFine-tuning step, VGG16 with only fc8 trainable, batch ${BATCH}x224x224x3, ${CLASSES} classes, Momentum 0.9 (${keras?.versions ?? 'no Keras'})`,
);
console.log(`trainable: ours ${trained.join(', ')}; Keras ${keras?.trainable.join(', ') ?? '-'}`);
console.log(`${pad('what', 48)}${pad('images/s', 10)}${pad('s/step', 10)}ours / this`);
console.log(
  `${pad('tfslim vgg16 + createTrainOp fc8 (tensorflow)', 48)}${pad(fmt(ips(ours)), 10)}${pad(fmt(median(ours), 3), 10)}1.00`,
);
console.log(
  `${pad('Keras VGG16 frozen + Dense head, eager', 48)}${pad(fmt(ips(eager)), 10)}${pad(fmt(keras ? median(eager) : NaN, 3), 10)}${fmt(rE)}`,
);
console.log(
  `${pad('Keras VGG16 frozen + Dense head, tf.function', 48)}${pad(fmt(ips(fn)), 10)}${pad(fmt(keras ? median(fn) : NaN, 3), 10)}${fmt(rF)}`,
);

tf.dispose([images, labels]);
trainOp.dispose();
store.dispose();
console.log(
  `BENCH finetune-vgg16 ours_images_per_s=${fmt(ips(ours))} keras_eager_images_per_s=${fmt(ips(eager))} ` +
    `keras_function_images_per_s=${fmt(ips(fn))} ratio_vs_eager=${fmt(rE)} ratio_vs_function=${fmt(rF)} ` +
    `batch=${BATCH} classes=${CLASSES} leaked_tensors=${leaked} rounds=${ROUNDS} steps=${STEPS} ` +
    `load_before=${loadBefore} load_after=${load()} wall_s=${((performance.now() - started) / 1000).toFixed(0)}`,
);
