/* global window */
// The page side of tools/bench/browser-mlp.mjs, bundled by esbuild for the browser: the seed
// MLP (784-256-128-10, batch 32, SGD 0.01, squared error summed over classes / 32: the seed
// experiment's run A) on the wasm backend, as tfslim (createTrainOp + @tfslim/layers) and as
// tfjs-layers (model.fit), on the same 16 batches. window.bench.round() times an epoch of each.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '@tfslim/backend-selector';
import { fullyConnected } from '@tfslim/layers';
import { createTrainOp } from '@tfslim/learning';
import { perExampleSquaredError } from '@tfslim/losses';
import { VariableStore, variableScope } from '@tfslim/variables';

const BATCHES = 16;

async function setUp() {
  const report = await selectBackend({ require: 'wasm', wasmPaths: '/wasm/' });
  const xs = [];
  const ys = [];
  for (let i = 0; i < BATCHES; i++) {
    xs.push(tf.randomUniform([32, 784], 0, 1, 'float32', i));
    ys.push(tf.cast(tf.oneHot(tf.randomUniform([32], 0, 10, 'int32', 100 + i), 10), 'float32'));
  }
  const store = new VariableStore();
  const ours = createTrainOp(
    (_losses, x, y) =>
      perExampleSquaredError(
        variableScope('mlp', () => {
          const h1 = fullyConnected(x, 256, { scope: 'fc1' });
          const h2 = fullyConnected(h1, 128, { scope: 'fc2' });
          return fullyConnected(h2, 10, { scope: 'logits', activation: null });
        }),
        y,
      ),
    tf.train.sgd(0.01),
    { store },
  );
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      tfl.layers.dense({ units: 128, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
  // Run A's loss: sum over classes of the squared error; fit averages it over the batch.
  model.compile({
    optimizer: tf.train.sgd(0.01),
    loss: (yTrue, yPred) => tf.sum(tf.squaredDifference(yPred, yTrue), -1),
  });
  const fitX = tf.concat(xs);
  const fitY = tf.concat(ys);

  /** Milliseconds per step of `steps` createTrainOp steps (each reads its loss). */
  const oursMs = (steps) => {
    const t = performance.now();
    for (let i = 0; i < steps; i++) ours(xs[i % BATCHES], ys[i % BATCHES]).dispose();
    return (performance.now() - t) / steps;
  };
  /** Milliseconds per step of one model.fit epoch over the same batches (in order). */
  const layersMs = async () => {
    const t = performance.now();
    await model.fit(fitX, fitY, { batchSize: 32, epochs: 1, shuffle: false, verbose: 0 });
    return (performance.now() - t) / BATCHES;
  };
  return {
    backend: report.backend,
    simd: report.simd,
    /** One round, ours first or tfjs-layers first: per-step ms of each and the tensor count. */
    async round(oursFirst) {
      let ours;
      let layers;
      if (oursFirst) {
        ours = oursMs(BATCHES);
        layers = await layersMs();
      } else {
        layers = await layersMs();
        ours = oursMs(BATCHES);
      }
      return { ours, layers, tensors: tf.memory().numTensors };
    },
  };
}

window.bench = setUp().catch((e) => {
  window.benchError = String(e?.stack ?? e);
  throw e;
});
