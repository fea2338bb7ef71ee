import * as tf from '@tensorflow/tfjs-core';
import { describeGradients, distinct, uniform, type GradCase } from './gradcheck.test-helpers.js';
import { poolGradients } from './pool.js';

type Pad = 'same' | 'valid';
const poolings: Array<[number, number, Pad]> = [
  [2, 2, 'valid'],
  [3, 1, 'same'],
  [3, 2, 'same'],
  [3, 2, 'valid'],
];

const cases: GradCase[] = [
  ...poolings.map(([size, stride, pad], i): GradCase => ({
    name: `MaxPool ${size}x${size} stride ${stride} ${pad} (no ties)`,
    kernel: 'MaxPool',
    needs: ['MaxPoolGrad'],
    f: (x) => tf.maxPool(x! as tf.Tensor4D, size, stride, pad),
    xs: () => [distinct([2, 5, 5, 2], 1 + i, 0.02)],
    options: { eps: 4e-3 },
  })),
  ...poolings.map(([size, stride, pad], i): GradCase => ({
    name: `AvgPool ${size}x${size} stride ${stride} ${pad}`,
    kernel: 'AvgPool',
    needs: ['AvgPoolGrad'],
    f: (x) => tf.avgPool(x! as tf.Tensor4D, size, stride, pad),
    xs: () => [uniform([2, 5, 5, 2], 10 + i)],
  })),
  {
    name: 'MaxPool3D 2x2x2 stride 1 same (no ties)',
    kernel: 'MaxPool3D',
    needs: ['MaxPool3DGrad'],
    f: (x) => tf.maxPool3d(x! as tf.Tensor5D, 2, 1, 'same'),
    xs: () => [distinct([1, 3, 4, 3, 2], 20, 0.02)],
    options: { eps: 4e-3 },
  },
  {
    name: 'MaxPool3D 2x2x2 stride 2 valid (no ties)',
    kernel: 'MaxPool3D',
    needs: ['MaxPool3DGrad'],
    f: (x) => tf.maxPool3d(x! as tf.Tensor5D, 2, 2, 'valid'),
    xs: () => [distinct([2, 4, 4, 4, 1], 21, 0.02)],
    options: { eps: 4e-3 },
  },
  {
    name: 'MaxPool3D 2x2x2 stride 1 same, positive inputs (no ties)',
    kernel: 'MaxPool3D',
    needs: ['MaxPool3DGrad'],
    f: (x) => tf.maxPool3d(x! as tf.Tensor5D, 2, 1, 'same'),
    xs: () => [distinct([1, 3, 4, 3, 2], 24, 0.02, 0.1)],
    options: { eps: 4e-3 },
  },
  {
    name: 'MaxPoolWithArgmax 2x2 stride 2 valid (no ties)',
    kernel: 'MaxPoolWithArgmax',
    needs: ['MaxPoolGrad'],
    f: (x) => tf.maxPoolWithArgmax(x! as tf.Tensor4D, 2, 2, 'valid').result!,
    xs: () => [distinct([2, 4, 4, 2], 25, 0.02)],
    options: { eps: 4e-3 },
  },
  {
    name: 'MaxPoolWithArgmax 3x3 stride 1 same, positive inputs (no ties)',
    kernel: 'MaxPoolWithArgmax',
    needs: ['MaxPoolGrad'],
    f: (x) => tf.maxPoolWithArgmax(x! as tf.Tensor4D, 3, 1, 'same').result!,
    xs: () => [distinct([1, 4, 5, 2], 26, 0.02, 0.1)],
    options: { eps: 4e-3 },
  },
  {
    name: 'AvgPool3D 2x2x2 stride 1 same',
    kernel: 'AvgPool3D',
    needs: ['AvgPool3DGrad'],
    f: (x) => tf.avgPool3d(x! as tf.Tensor5D, 2, 1, 'same'),
    xs: () => [uniform([1, 3, 4, 3, 2], 22)],
  },
  {
    name: 'AvgPool3D 3x3x3 stride 2 valid',
    kernel: 'AvgPool3D',
    needs: ['AvgPool3DGrad'],
    f: (x) => tf.avgPool3d(x! as tf.Tensor5D, 3, 2, 'valid'),
    xs: () => [uniform([1, 5, 5, 5, 1], 23)],
  },
];

describeGradients('pooling gradients', poolGradients, cases, () => {
  it('sends the gradient of an all-negative max-pool window to its maximum', () => {
    tf.tidy(() => {
      const x = tf.tensor([-0.1, -0.2, -0.3, -0.05], [1, 2, 2, 1]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid')))(x);
      expect(Array.from(g.dataSync())).toEqual([0, 0, 0, 1]);
    });
  });

  it('divides a padded avg-pool window by its taps inside the input, like the forward pass', () => {
    tf.tidy(() => {
      // 3x3 same on 2x2: every window holds all 4 inputs, so each output is their mean and
      // each input's gradient is 4 outputs x 1/4.
      const x = tf.tensor([1, 2, 3, 4], [1, 2, 2, 1]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.avgPool(v as tf.Tensor4D, 3, 1, 'same')))(x);
      expect(Array.from(g.dataSync())).toEqual([1, 1, 1, 1]);
    });
  });
});
