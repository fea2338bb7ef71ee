// Gradients through our kernels equal those of the stock wasm kernels and the cpu backend (tfjs's
// own gradient functions: @tfslim/gradients tests itself on this package, so it cannot be a dependency).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { maxAbsDiff, rand, use } from '../test/helpers';
import { registerWasmKernels, unregisterWasmKernels } from './index';
import { servedCounts } from './register';

type Mode = 'ours' | 'stock' | 'cpu';

async function setMode(mode: Mode): Promise<void> {
  await use(mode === 'cpu' ? 'cpu' : 'wasm');
  if (mode === 'ours') registerWasmKernels();
  else unregisterWasmKernels();
}

afterAll(() => {
  unregisterWasmKernels();
});

/** Gradients of `loss` w.r.t. fresh variables holding `init`, as plain arrays by name. */
async function gradients(
  mode: Mode,
  init: Record<string, { values: Float32Array; shape: number[] }>,
  loss: (v: Record<string, tf.Variable>) => tf.Scalar,
): Promise<Record<string, Float32Array>> {
  await setMode(mode);
  const vars: Record<string, tf.Variable> = {};
  for (const [name, { values, shape }] of Object.entries(init)) {
    vars[name] = tf.variable(tf.tensor(values, shape), true, `${mode}_${name}_${Math.random()}`);
  }
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => loss(vars), Object.values(vars));
  const out: Record<string, Float32Array> = { loss: value.dataSync() as Float32Array };
  for (const [name, v] of Object.entries(vars)) {
    out[name] = grads[v.name]!.dataSync() as Float32Array;
  }
  tf.dispose([value, ...Object.values(grads)]);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose(Object.values(vars));
  return out;
}

function expectClose(
  a: Record<string, Float32Array>,
  b: Record<string, Float32Array>,
  tol: number,
) {
  for (const name of Object.keys(a)) {
    let scale = 1;
    for (const v of b[name]!) scale = Math.max(scale, Math.abs(v));
    expect({ name, diff: maxAbsDiff(a[name]!, b[name]!) / scale < tol }).toEqual({
      name,
      diff: true,
    });
  }
}

describe('seed MLP (784-256-128-10, batch 32, squared error)', () => {
  const B = 32;
  const x = tf.tidy(() => rand(B * 784, 1).map((v) => (v + 1) / 2));
  const labels = new Float32Array(B * 10);
  for (let i = 0; i < B; i++) labels[i * 10 + (i % 10)] = 1;
  const init = {
    w1: { values: rand(784 * 256, 2).map((v) => v * 0.06), shape: [784, 256] },
    b1: { values: rand(256, 3).map((v) => v * 0.1), shape: [256] },
    w2: { values: rand(256 * 128, 4).map((v) => v * 0.1), shape: [256, 128] },
    b2: { values: rand(128, 5).map((v) => v * 0.1), shape: [128] },
    w3: { values: rand(128 * 10, 6).map((v) => v * 0.15), shape: [128, 10] },
    b3: { values: rand(10, 7).map((v) => v * 0.1), shape: [10] },
  };
  const loss = (v: Record<string, tf.Variable>): tf.Scalar => {
    const input = tf.tensor2d(x, [B, 784]);
    const h1 = tf.relu(tf.add(tf.matMul(input, v['w1']!), v['b1']!));
    const h2 = tf.relu(tf.add(tf.matMul(h1, v['w2']!), v['b2']!));
    const out = tf.add(tf.matMul(h2, v['w3']!), v['b3']!);
    return tf.div(tf.sum(tf.square(tf.sub(out, tf.tensor2d(labels, [B, 10])))), B) as tf.Scalar;
  };

  it('gradients through our kernels match the stock wasm kernels and the cpu backend', async () => {
    servedCounts.ours.clear();
    const ours = await gradients('ours', init, loss);
    expect(servedCounts.ours.get('BatchMatMul')).toBeGreaterThanOrEqual(3 + 5);
    const stock = await gradients('stock', init, loss);
    const cpu = await gradients('cpu', init, loss);
    expectClose(ours, stock, 1e-5);
    expectClose(ours, cpu, 1e-5);
  });

  it('gradients of fused matmul layers (bias + relu) match the cpu backend', async () => {
    const fusedLoss = (v: Record<string, tf.Variable>): tf.Scalar => {
      const input = tf.tensor2d(x, [B, 784]);
      const h1 = tf.fused.matMul({ a: input, b: v['w1']!, bias: v['b1']!, activation: 'relu' });
      const h2 = tf.fused.matMul({ a: h1, b: v['w2']!, bias: v['b2']!, activation: 'relu' });
      const out = tf.fused.matMul({ a: h2, b: v['w3']!, bias: v['b3']! });
      return tf.div(tf.sum(tf.square(tf.sub(out, tf.tensor2d(labels, [B, 10])))), B) as tf.Scalar;
    };
    servedCounts.ours.clear();
    const ours = await gradients('ours', init, fusedLoss);
    // Under a gradient tape tfjs fuses only the linear layer (relu ones run unfused).
    expect(servedCounts.ours.get('_FusedMatMul')).toBeGreaterThanOrEqual(1);
    const cpu = await gradients('cpu', init, fusedLoss);
    expectClose(ours, cpu, 1e-5);
  });
});

describe('small convnet (conv 3x3, conv 3x3 16->16 (Winograd), conv 3x3 stride 2, dense)', () => {
  const B = 3;
  const x = rand(B * 12 * 12 * 3, 11);
  const labels = rand(B * 10, 12);
  const init = {
    k1: { values: rand(3 * 3 * 3 * 16, 13).map((v) => v * 0.4), shape: [3, 3, 3, 16] },
    c1: { values: rand(16, 14).map((v) => v * 0.1), shape: [16] },
    k0: { values: rand(3 * 3 * 16 * 16, 17).map((v) => v * 0.15), shape: [3, 3, 16, 16] },
    k2: { values: rand(3 * 3 * 16 * 16, 15).map((v) => v * 0.15), shape: [3, 3, 16, 16] },
    w: { values: rand(6 * 6 * 16 * 10, 16).map((v) => v * 0.05), shape: [576, 10] },
  };
  const loss = (v: Record<string, tf.Variable>): tf.Scalar => {
    const input = tf.tensor4d(x, [B, 12, 12, 3]);
    const h1 = tf.relu(
      tf.add(tf.conv2d(input, v['k1'] as tf.Variable<tf.Rank.R4>, 1, 'same'), v['c1']!),
    ) as tf.Tensor4D;
    const h15 = tf.relu(tf.conv2d(h1, v['k0'] as tf.Variable<tf.Rank.R4>, 1, 'same'));
    const h2 = tf.relu(tf.conv2d(h15, v['k2'] as tf.Variable<tf.Rank.R4>, 2, 'same'));
    const out = tf.matMul(tf.reshape(h2, [B, 576]), v['w']!);
    return tf.mean(tf.square(tf.sub(out, tf.tensor2d(labels, [B, 10])))) as tf.Scalar;
  };

  it('gradients through our kernels match the cpu backend', async () => {
    servedCounts.ours.clear();
    const ours = await gradients('ours', init, loss);
    for (const k of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']) {
      expect({ k, served: (servedCounts.ours.get(k) ?? 0) > 0 }).toEqual({ k, served: true });
    }
    const cpu = await gradients('cpu', init, loss);
    expectClose(ours, cpu, 1e-5);
  });
});
