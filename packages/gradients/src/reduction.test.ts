import * as tf from '@tensorflow/tfjs-core';
import { describeGradients, distinct, uniform, type GradCase } from './gradcheck.test-helpers.js';
import { reductionGradients } from './reduction.js';

const t = (values: number[], shape: number[]) => tf.tensor(values, shape, 'float32');

const cases: GradCase[] = [
  { name: 'Sum of all', kernel: 'Sum', f: (x) => tf.sum(x!), xs: () => [uniform([2, 3, 4], 1)] },
  {
    name: 'Sum over axis 1',
    kernel: 'Sum',
    f: (x) => tf.sum(x!, 1),
    xs: () => [uniform([2, 3, 4], 2)],
  },
  {
    name: 'Sum over axes [0, 2] keepDims',
    kernel: 'Sum',
    f: (x) => tf.sum(x!, [0, 2], true),
    xs: () => [uniform([2, 3, 4], 3)],
  },
  {
    name: 'Mean over axis -1',
    kernel: 'Mean',
    f: (x) => tf.mean(x!, -1),
    xs: () => [uniform([2, 3, 4], 4)],
  },
  {
    name: 'Mean over axes [0, 1] keepDims',
    kernel: 'Mean',
    f: (x) => tf.mean(x!, [0, 1], true),
    xs: () => [uniform([2, 3, 4], 5)],
  },
  {
    name: 'Max over axis 1 (no ties)',
    kernel: 'Max',
    f: (x) => tf.max(x!, 1),
    xs: () => [distinct([2, 3, 4], 6)],
    options: { eps: 5e-3 },
  },
  {
    name: 'Max of all (no ties)',
    kernel: 'Max',
    f: (x) => tf.max(x!),
    xs: () => [distinct([3, 4], 7)],
    options: { eps: 5e-3 },
  },
  {
    name: 'Min over axes [0, 2] keepDims (no ties)',
    kernel: 'Min',
    f: (x) => tf.min(x!, [0, 2], true),
    xs: () => [distinct([2, 3, 4], 8)],
    options: { eps: 5e-3 },
  },
  {
    name: 'Prod over axis 1',
    kernel: 'Prod',
    f: (x) => tf.prod(x!, 1),
    xs: () => [uniform([2, 3, 4], 9, 0.5, 1.5)],
  },
  {
    name: 'Prod over axes [0, 2] with a zero and negatives',
    kernel: 'Prod',
    f: (x) => tf.prod(x!, [0, 2]),
    xs: () => [t([0.5, -1.2, 0, 1.1, 0.9, 1.3, -0.8, 1.4, 1.2, 0.7, 1.05, -1.5], [2, 3, 2])],
  },
  {
    name: 'Cumsum over axis 0',
    kernel: 'Cumsum',
    f: (x) => tf.cumsum(x!, 0),
    xs: () => [uniform([3, 4], 10)],
  },
  {
    name: 'Cumsum over axis 1, exclusive, reverse',
    kernel: 'Cumsum',
    f: (x) => tf.cumsum(x!, 1, true, true),
    xs: () => [uniform([3, 4], 11)],
  },
  {
    name: 'Cumprod over axis 1',
    kernel: 'Cumprod',
    f: (x) => tf.cumprod(x!, 1),
    xs: () => [uniform([3, 4], 14, 0.5, 1.5)],
  },
  {
    name: 'Cumprod over axis 0, exclusive, reverse, with negatives',
    kernel: 'Cumprod',
    f: (x) => tf.cumprod(x!, 0, true, true),
    xs: () => [uniform([4, 3], 15, -1.5, 1.5, 0.5)],
  },
  {
    name: 'ArgMax (zero gradient)',
    kernel: 'ArgMax',
    f: (x) => tf.argMax(x!, 1),
    xs: () => [distinct([3, 4], 12)],
  },
  {
    name: 'ArgMin (zero gradient)',
    kernel: 'ArgMin',
    f: (x) => tf.argMin(x!, 0),
    xs: () => [distinct([3, 4], 13)],
  },
];

describeGradients('reduction gradients', reductionGradients, cases, () => {
  it('shares the gradient of Max and Min equally between tied elements, like TF', () => {
    tf.tidy(() => {
      const x = t([1, 3, 3, 2, -1, -1], [2, 3]);
      const gMax = tf.grad((v: tf.Tensor) => tf.sum(tf.max(v, 1)))(x);
      expect(Array.from(gMax.dataSync())).toEqual([0, 0.5, 0.5, 1, 0, 0]);
      const gMin = tf.grad((v: tf.Tensor) => tf.sum(tf.min(v, 1)))(x);
      expect(Array.from(gMin.dataSync())).toEqual([1, 0, 0, 0, 0.5, 0.5]);
    });
  });
});
