/* global document, window, location, URLSearchParams, Blob */
// tfslim in a page: pick the wasm backend (with @tfslim/kernels-wasm's kernels), train a small
// MLP on synthetic data with slim's train loop, keep checkpoints and TensorBoard summaries in
// an in-memory FileStore, and offer them for download.
import * as tf from '@tensorflow/tfjs-core';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { formatReport, selectBackend } from '@tfslim/backend-selector';
import { latestCheckpoint } from '@tfslim/checkpoint';
import { fullyConnected } from '@tfslim/layers';
import { createTrainOp, train } from '@tfslim/learning';
import { meanSquaredError } from '@tfslim/losses';
import { IndexedDbFileStore, MemoryFileStore, exportFiles } from '@tfslim/storage';
import {
  VariableStore,
  variableScope,
  withVariableStore,
  xavierInitializer,
} from '@tfslim/variables';
import { drawCurve, readScalarCurve } from './loss-curve.js';

const $ = (id) => document.getElementById(id);
const result = { backend: null, losses: [], files: [], latest: null, error: null };
window.tfslimResult = result;

async function main() {
  // Vite serves the .wasm files under hashed names; tell tfjs-backend-wasm where they are.
  // (?wasm=missing points it at a folder without them: the report then says they are not served.)
  const query = new URLSearchParams(location.search);
  const missing = query.get('wasm') === 'missing';
  const report = await selectBackend({
    ...(missing ? { require: 'wasm' } : { prefer: ['wasm', 'cpu'] }),
    wasmPaths: missing
      ? '/no-wasm-here/'
      : {
          'tfjs-backend-wasm.wasm': wasmPlain,
          'tfjs-backend-wasm-simd.wasm': wasmSimd,
          'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
        },
  });
  result.backend = report.backend;
  result.replacedKernels = report.replacedKernels;
  $('backend').textContent = `${report.backend}${report.simd ? ' (SIMD)' : ''}`;
  $('report').textContent = formatReport(report);

  // y = sin(3 x0) + x1^2 on 256 fixed points: an MLP 2-32-1 fits it well.
  const n = 256;
  const xs = tf.tidy(() => tf.randomUniform([n, 2], -1, 1, 'float32', 42));
  const ys = tf.tidy(() => {
    const [a, b] = tf.split(xs, 2, 1);
    return tf.add(tf.sin(tf.mul(a, 3)), tf.square(b));
  });
  // Seeded initial weights: every load (and every test run) trains the same way.
  const model = (x) =>
    variableScope('mlp', () => {
      const h = fullyConnected(x, 32, {
        scope: 'fc1',
        weightsInitializer: xavierInitializer({ seed: 1 }),
      });
      return fullyConnected(h, 1, {
        scope: 'fc2',
        activation: null,
        weightsInitializer: xavierInitializer({ seed: 2 }),
      });
    });
  const vars = new VariableStore();
  const trainOp = createTrainOp((_l, x, y) => meanSquaredError(model(x), y), tf.train.adam(0.02), {
    store: vars,
  });
  // ?store=indexeddb keeps the files across reloads (and a reload resumes training).
  const fileStore =
    query.get('store') === 'indexeddb'
      ? new IndexedDbFileStore('tfslim-example')
      : new MemoryFileStore();
  result.store = fileStore.kind;
  function* batches() {
    for (;;) yield [xs, ys];
  }
  const trained = await withVariableStore(vars, () =>
    train(trainOp, '/train', {
      data: batches(),
      numberOfSteps: 150,
      logEveryNSteps: 10,
      saveSummariesSteps: 5,
      saveIntervalSteps: 50,
      fileStore,
      log: (line) => {
        $('log').textContent += `${line}\n`;
        const m = /loss = ([-+\d.eE]+|NaN)/.exec(line);
        if (m) result.losses.push(Number(m[1]));
      },
    }),
  );
  result.restoredFrom = trained.restoredFrom;
  result.steps = trained.steps;
  result.latest = await latestCheckpoint('/train', { store: fileStore });
  // The curve comes from the event files train wrote, as TensorBoard would read them.
  result.curve = await readScalarCurve(fileStore, '/train', 'total_loss');
  drawCurve($('loss-curve'), result.curve.points, 'total_loss');
  for (const f of await exportFiles(fileStore, '/train')) {
    result.files.push({ name: f.name, bytes: f.bytes.length });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([f.bytes]));
    a.download = f.name.replaceAll('/', '_');
    a.textContent = `${f.name} (${f.bytes.length} bytes)`;
    const li = document.createElement('li');
    li.append(a);
    $('files').append(li);
  }
  tf.dispose([xs, ys]);
}

main().then(
  () => {
    $('status').textContent = 'done';
    document.title = 'done';
  },
  (error) => {
    result.error = error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
    $('status').textContent = `failed: ${result.error}`;
    document.title = 'failed';
  },
);
