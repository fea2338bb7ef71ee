import * as tf from '@tensorflow/tfjs-core';
import { GradientInputError } from './errors.js';
import { describeGradients, uniform, type GradCase } from './gradcheck.test-helpers.js';
import { normalizationGradients } from './normalization.js';

const cases: GradCase[] = [
  {
    name: 'FusedBatchNorm with [C] parameters',
    kernel: 'FusedBatchNorm',
    f: (x, mean, variance, offset, scale) =>
      tf.batchNorm(x!, mean!, variance!, offset!, scale!, 0.01),
    xs: () => [
      uniform([2, 3, 3, 4], 1),
      uniform([4], 2),
      uniform([4], 3, 0.5, 1.5),
      uniform([4], 4),
      uniform([4], 5, 0.5, 1.5),
    ],
  },
  {
    name: 'FusedBatchNorm with [1,1,1,C] parameters on a rank-2 input',
    kernel: 'FusedBatchNorm',
    f: (x, mean, variance, offset, scale) =>
      tf.batchNorm(x!, mean!, variance!, offset!, scale!, 0.001),
    xs: () => [
      uniform([5, 3], 6),
      uniform([1, 3], 7),
      uniform([1, 3], 8, 0.5, 1.5),
      uniform([1, 3], 9),
      uniform([1, 3], 10, 0.5, 1.5),
    ],
  },
  {
    name: 'LRN radius 2',
    kernel: 'LRN',
    needs: ['LRNGrad'],
    f: (x) => tf.localResponseNormalization(x! as tf.Tensor4D, 2, 1, 0.5, 0.75),
    xs: () => [uniform([1, 2, 2, 6], 11)],
  },
];

describeGradients('normalization gradients', normalizationGradients, cases, () => {
  it('names the fix when batchNorm runs without scale under a gradient tape', () => {
    const [x, mean, variance, offset] = [
      tf.ones([1, 2]),
      tf.zeros([2]),
      tf.ones([2]),
      tf.zeros([2]),
    ];
    const run = () =>
      tf.grad((v: tf.Tensor) => tf.sum(tf.batchNorm(v, mean!, variance!, offset!)))(x!);
    expect(run).toThrow(/batchNorm: expected a scale tensor .* pass tf.onesLike\(mean\) as scale/);
    expect(run).toThrow(expect.objectContaining({ code: 'GRADIENT_INPUT_MISSING' }));
    expect(run).toThrow(GradientInputError);
    // (tfjs-core's engine drops the kernel's output when saving throws: one tensor leaks on
    // this error path, which is why it is an error and not a warning.)
    tf.dispose([x!, mean!, variance!, offset!]);
  });
});
