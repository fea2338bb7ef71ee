import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './backends.test-helpers.js';
import { BACKENDS } from './gradcheck.test-helpers.js';
import { TRAINING_KERNELS, missingGradients, registerGradients } from './register.js';

/** Kernel names tfjs-core 4.22 ships gradients for, read from its dist/gradients folder. */
function tfjsCoreGradientKernels(): string[] {
  const core = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
  return fs
    .readdirSync(path.join(core, 'dist', 'gradients'))
    .filter((f) => f.endsWith('_grad.js'))
    .map((f) => f.replace(/_grad\.js$/, ''))
    .sort();
}

/** Kernels tfslim differentiates beyond tfjs-core's own list. */
const EXTRA_KERNELS = [
  'All',
  'Any',
  'Cumprod',
  'DepthToSpace',
  'Equal',
  'FlipLeftRight',
  'FusedConv2D',
  'GatherNd',
  'Greater',
  'Less',
  'LessEqual',
  'LogicalAnd',
  'LogicalNot',
  'LogicalOr',
  'LogicalXor',
  'MaxPoolWithArgmax',
  'NotEqual',
  'ScatterNd',
  'StridedSlice',
  'TensorScatterUpdate',
  'TopK',
  '_FusedMatMul',
];

describe('registerGradients', () => {
  it('registers a gradient for every kernel tfjs-core has one for (and a few more), once', () => {
    const core = tfjsCoreGradientKernels();
    expect(core.length).toBeGreaterThan(90);
    expect(missingGradients(core)).toEqual(core); // nothing registered yet
    const added = registerGradients();
    expect([...added].sort()).toEqual([...core, ...EXTRA_KERNELS].sort());
    expect(missingGradients(core)).toEqual([]);
    expect(registerGradients()).toEqual([]);
  });

  it('covers the training kernels', () => {
    registerGradients();
    expect(TRAINING_KERNELS.length).toBeGreaterThan(10);
    expect(missingGradients()).toEqual([]);
    expect(missingGradients(['NoSuchKernel'])).toEqual(['NoSuchKernel']);
  });
});

describe.each(BACKENDS)('training with the registered gradients on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('lets sgd.minimize reduce a loss (softmax regression through matmul, relu, mean)', () => {
    const w = tf.variable(tf.randomNormal([4, 3], 0, 0.1, 'float32', 1));
    const b = tf.variable(tf.zeros([3]));
    const x = tf.tensor2d([
      [1, 0, 0, 1],
      [0, 1, 1, 0],
      [1, 1, 0, 0],
      [0, 0, 1, 1],
    ]);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
    const loss = () =>
      tf.tidy(() => {
        const logits = tf.add(tf.matMul(tf.relu(x), w), b);
        return tf.mean(tf.neg(tf.sum(tf.mul(labels, tf.log(tf.softmax(logits))), 1))) as tf.Scalar;
      });
    const optimizer = tf.train.sgd(0.5);
    const first = loss();
    const start = first.dataSync()[0]!;
    first.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) optimizer.minimize(loss);
    expect(tf.memory().numTensors).toBe(before);
    const last = loss();
    expect(last.dataSync()[0]!).toBeLessThan(start * 0.5);
    tf.dispose([last, w, b, x, labels]);
    optimizer.dispose();
  });

  it('gives tf.variableGrads the gradient of a known quadratic', () => {
    const v = tf.variable(tf.tensor1d([1, -2, 3]));
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.square(tf.sub(v, 1))) as tf.Scalar,
      [v],
    );
    const g = grads[v.name]!;
    expect(Array.from(g.dataSync())).toEqual([0, -6, 4]);
    expect(value.dataSync()[0]).toBe(13);
    tf.dispose([value, g]);
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
  });

  it('takes second derivatives through the gradients themselves', () => {
    tf.tidy(() => {
      // d2/dx2 of x^3 = 6x, and of sigmoid via its own gradient
      const d2 = tf.grad((x: tf.Tensor) => tf.grad((y: tf.Tensor) => tf.sum(tf.pow(y, 3)))(x))(
        tf.tensor1d([1, 2]),
      );
      const values = Array.from(d2.dataSync());
      expect(values[0]).toBeCloseTo(6, 4);
      expect(values[1]).toBeCloseTo(12, 4);
    });
  });
});
