// End to end: a small convnet with a regular conv (stride 2), a depthwise conv and an embedding
// lookup, whose gradients on wasm (stock kernels) need every filled kernel. Gradients must match
// the cpu backend's, and a few SGD steps on wasm must lower the loss.
import * as tf from '@tensorflow/tfjs-core';
import { missingGradients } from '@tfslim/gradients';
import { rng } from '@tfslim-internal/testing';
import { selectBackend } from './select.js';

/** Seeded values in [-1, 1). */
function seeded(length: number, seed: number): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length }, () => next() * 2 - 1);
}

/** Largest |a - b| over the largest |b| (or 1). */
function relativeError(a: Float32Array, b: Float32Array): number {
  let err = 0;
  let scale = 1;
  b.forEach((v, i) => {
    err = Math.max(err, Math.abs((a[i] as number) - v));
    scale = Math.max(scale, Math.abs(v));
  });
  return err / scale;
}

/** The backend as selectBackend prepares it, wasm with its stock kernels plus the filled ones. */
const use = (backend: 'cpu' | 'wasm') =>
  selectBackend({ require: backend, wasmKernels: 'stock', env: {} });

const NEEDED = [
  'Conv2D',
  'DepthwiseConv2dNative',
  'Relu',
  'Mean',
  'BatchMatMul',
  'GatherV2',
  'Add',
  'Sub',
  'Square',
  'Sum',
  'Reshape',
];

type Params = Record<'conv' | 'depthwise' | 'embedding' | 'dense', tf.Variable>;

function makeParams(): Params {
  const v = (shape: number[], seed: number, scale: number) =>
    tf.variable(
      tf.mul(
        tf.tensor(
          seeded(
            shape.reduce((a, b) => a * b, 1),
            seed,
          ),
          shape,
        ),
        scale,
      ),
    );
  return {
    conv: v([3, 3, 3, 8], 1, 0.3),
    depthwise: v([3, 3, 8, 2], 2, 0.3),
    embedding: v([5, 16], 3, 0.3),
    dense: v([16, 1], 4, 0.3),
  };
}

function loss(
  p: Params,
  images: tf.Tensor4D,
  tokens: tf.Tensor1D,
  targets: tf.Tensor2D,
): tf.Scalar {
  return tf.tidy(() => {
    const h1 = tf.relu(tf.conv2d(images, p.conv as tf.Tensor4D, 2, 'same'));
    const h2 = tf.depthwiseConv2d(h1, p.depthwise as tf.Tensor4D, 1, 'same');
    const pooled = tf.mean(h2, [1, 2]) as tf.Tensor2D; // [batch, 16]
    const features = tf.add(pooled, tf.gather(p.embedding, tokens)) as tf.Tensor2D;
    const out = tf.matMul(features, p.dense as tf.Tensor2D);
    return tf.mean(tf.square(tf.sub(out, targets))) as tf.Scalar;
  });
}

function data() {
  return {
    images: tf.tensor4d(seeded(3 * 9 * 7 * 3, 10), [3, 9, 7, 3]),
    tokens: tf.tensor1d([4, 0, 4], 'int32'),
    targets: tf.tensor2d([1, -1, 0.5], [3, 1]),
  };
}

async function gradientsOn(backend: 'cpu' | 'wasm') {
  await use(backend);
  const p = makeParams();
  const d = data();
  const { value, grads } = tf.variableGrads(() => loss(p, d.images, d.tokens, d.targets));
  const result = {
    loss: value.dataSync()[0] as number,
    grads: Object.fromEntries(
      Object.entries(p).map(([k, v]) => [
        k,
        Float32Array.from((grads[v.name] as tf.Tensor).dataSync()),
      ]),
    ),
  };
  tf.dispose([value, ...Object.values(grads), ...Object.values(d), ...Object.values(p)]);
  return result;
}

describe('a convnet trains on wasm with the filled kernels', () => {
  beforeAll(async () => {
    await use('wasm');
  });

  it('has every gradient the convnet needs registered', () => {
    expect(missingGradients(NEEDED)).toEqual([]);
  });

  it('has gradients that match the cpu backend', async () => {
    const cpu = await gradientsOn('cpu');
    const wasm = await gradientsOn('wasm');
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(cpu.loss)));
    expect(Object.keys(cpu.grads)).toHaveLength(4);
    for (const name of Object.keys(cpu.grads)) {
      expect(
        relativeError(wasm.grads[name] as Float32Array, cpu.grads[name] as Float32Array),
      ).toBeLessThan(1e-4);
    }
  });

  it('lowers the loss in a few SGD steps, leaking nothing', async () => {
    await use('wasm');
    const p = makeParams();
    const d = data();
    const optimizer = tf.train.sgd(0.1);
    const first = loss(p, d.images, d.tokens, d.targets);
    const firstValue = first.dataSync()[0] as number;
    first.dispose();
    optimizer.minimize(() => loss(p, d.images, d.tokens, d.targets)); // warm-up
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) optimizer.minimize(() => loss(p, d.images, d.tokens, d.targets));
    expect(tf.memory().numTensors).toBe(tensors);
    const last = loss(p, d.images, d.tokens, d.targets);
    expect(last.dataSync()[0]).toBeLessThan(0.5 * firstValue);
    tf.dispose([last, ...Object.values(d), ...Object.values(p)]);
    optimizer.dispose();
  });
});
