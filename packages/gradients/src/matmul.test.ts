import * as tf from '@tensorflow/tfjs-core';
import { describeGradients, uniform, type GradCase } from './gradcheck.test-helpers.js';
import { matmulGradients } from './matmul.js';

const flags = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

const cases: GradCase[] = [
  ...flags.map(([ta, tb], i): GradCase => ({
    name: `BatchMatMul [3,4]x[4,5] transposeA=${ta} transposeB=${tb}`,
    kernel: 'BatchMatMul',
    f: (a, b) => tf.matMul(a!, b!, ta, tb),
    xs: () => [uniform(ta ? [4, 3] : [3, 4], 10 + i), uniform(tb ? [5, 4] : [4, 5], 20 + i)],
  })),
  ...flags.map(([ta, tb], i): GradCase => ({
    name: `BatchMatMul batch 2 transposeA=${ta} transposeB=${tb}`,
    kernel: 'BatchMatMul',
    f: (a, b) => tf.matMul(a!, b!, ta, tb),
    xs: () => [
      uniform(ta ? [2, 4, 3] : [2, 3, 4], 30 + i),
      uniform(tb ? [2, 5, 4] : [2, 4, 5], 40 + i),
    ],
  })),
  {
    name: 'BatchMatMul broadcast [2,3,4] x [4,5]',
    kernel: 'BatchMatMul',
    f: (a, b) => tf.matMul(a!, b!),
    xs: () => [uniform([2, 3, 4], 50), uniform([4, 5], 51)],
  },
  {
    name: 'BatchMatMul broadcast [1,3,4] x [2,5,4] transposeB',
    kernel: 'BatchMatMul',
    f: (a, b) => tf.matMul(a!, b!, false, true),
    xs: () => [uniform([1, 3, 4], 52), uniform([2, 5, 4], 53)],
  },
];

describeGradients('matmul gradients', matmulGradients, cases);
