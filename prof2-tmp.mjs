import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { fullyConnected } from '@tfslim/layers';
import { createTrainOp } from '@tfslim/learning';
import { perExampleSquaredError } from '@tfslim/losses';
import { VariableStore, variableScope } from '@tfslim/variables';
await selectBackend({ require: process.argv[2] ?? 'wasm', env: {} });
const store = new VariableStore();
const x = tf.randomUniform([32, 784], 0, 1, 'float32', 1);
const y = tf.cast(tf.oneHot(tf.randomUniform([32], 0, 10, 'int32', 2), 10), 'float32');
const op = createTrainOp((_l, x, y) => perExampleSquaredError(variableScope('mlp', () => {
  const h1 = fullyConnected(x, 256, { scope: 'fc1' });
  const h2 = fullyConnected(h1, 128, { scope: 'fc2' });
  return fullyConnected(h2, 10, { scope: 'logits', activation: null }); }), y), tf.train.sgd(0.01), { store });
for (let i = 0; i < 300; i++) op(x, y).dispose();
let t = performance.now(); for (let i = 0; i < 500; i++) { const l = op(x, y); l.dataSync(); l.dispose(); }
console.log('ms/step', ((performance.now() - t) / 500).toFixed(3));
const info = await tf.profile(() => { const l = op(x, y); l.dataSync(); l.dispose(); });
for (const k of info.kernels) console.log(k.name.padEnd(22), JSON.stringify(k.inputShapes), '->', JSON.stringify(k.outputShapes));
