// The foundation's promise: a convnet trains on wasm (which lacks Conv2DBackpropFilter out of
// the box) and its gradients equal the cpu backend's.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './select.js';

interface Params {
  conv1: number[];
  conv2: number[];
  dense: number[];
}

// Deterministic pseudo-random numbers so both backends start from identical weights.
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}
const rand = lcg(42);
const init: Params = {
  conv1: Array.from({ length: 3 * 3 * 2 * 4 }, () => rand() * 0.6),
  conv2: Array.from({ length: 3 * 3 * 4 * 6 }, () => rand() * 0.4),
  dense: Array.from({ length: 3 * 3 * 6 * 3 }, () => rand() * 0.3),
};
const images = Array.from({ length: 4 * 9 * 9 * 2 }, () => rand());
const labels = [0, 2, 1, 2];

function makeModel(params: Params) {
  const vars = {
    conv1: tf.variable(tf.tensor4d(params.conv1, [3, 3, 2, 4])),
    conv2: tf.variable(tf.tensor4d(params.conv2, [3, 3, 4, 6])),
    dense: tf.variable(tf.tensor2d(params.dense, [3 * 3 * 6, 3])),
  };
  const x = tf.tensor4d(images, [4, 9, 9, 2]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
  const loss = (): tf.Scalar =>
    tf.tidy(() => {
      // stride 1 SAME, then stride 2 VALID with dilation-free 3x3, max pool: the shapes VGG uses.
      let net = tf.relu(tf.conv2d(x, vars.conv1, 1, 'same'));
      net = tf.relu(tf.conv2d(net, vars.conv2, 2, 'valid')); // 9 -> 4
      net = tf.maxPool(net, 2, 1, 'valid'); // 4 -> 3
      const logits = tf.matMul(tf.reshape(net, [4, 3 * 3 * 6]), vars.dense);
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    });
  const dispose = () => tf.dispose([vars.conv1, vars.conv2, vars.dense, x, y]);
  return { vars, loss, dispose };
}

async function gradientsOn(backend: 'cpu' | 'wasm'): Promise<Record<string, Float32Array>> {
  await selectBackend({ require: backend, env: {} });
  const model = makeModel(init);
  const { grads, value } = tf.variableGrads(model.loss);
  // variableGrads keys on tfjs's global variable names; key on the model's own names instead.
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(model.vars)) {
    out[name] = (await grads[v.name]!.data()) as Float32Array;
  }
  tf.dispose([value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

describe('a small convnet on wasm', () => {
  it('has gradients equal to the cpu backend’s', async () => {
    const cpu = await gradientsOn('cpu');
    const wasm = await gradientsOn('wasm');
    expect(Object.keys(wasm).sort()).toEqual(Object.keys(cpu).sort());
    for (const name of Object.keys(cpu)) {
      const a = cpu[name]!;
      const b = wasm[name]!;
      const scale = Math.max(...a.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      for (let i = 0; i < a.length; i++)
        expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4 * scale + 1e-6);
    }
  });

  it('trains: the loss falls over a few SGD steps, without leaking tensors', async () => {
    const report = await selectBackend({ require: 'wasm', env: {} });
    expect(report.backend).toBe('wasm');
    const model = makeModel(init);
    const optimizer = tf.train.sgd(0.5);
    const first = model.loss();
    const initial = (await first.data())[0]!;
    first.dispose();
    // one warm-up step creates the optimizer's state; later steps must allocate nothing lasting
    optimizer.minimize(model.loss);
    const tensorsBefore = tf.memory().numTensors;
    for (let step = 0; step < 20; step++) optimizer.minimize(model.loss);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const last = model.loss();
    const final = (await last.data())[0]!;
    last.dispose();
    expect(final).toBeLessThan(initial * 0.5);
    optimizer.dispose();
    model.dispose();
  });
});
