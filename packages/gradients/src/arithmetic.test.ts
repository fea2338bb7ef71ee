import * as tf from '@tensorflow/tfjs-core';
import { arithmeticGradients } from './arithmetic.js';
import { describeGradients, distinct, uniform, type GradCase } from './gradcheck.test-helpers.js';

const t = (values: number[], shape: number[]) => tf.tensor(values, shape, 'float32');

const cases: GradCase[] = [
  {
    name: 'Add [2,3] + [3]',
    kernel: 'Add',
    f: (a, b) => tf.add(a!, b!),
    xs: () => [uniform([2, 3], 1), uniform([3], 2)],
  },
  {
    name: 'Add [2,1,3] + [4,1]',
    kernel: 'Add',
    f: (a, b) => tf.add(a!, b!),
    xs: () => [uniform([2, 1, 3], 3), uniform([4, 1], 4)],
  },
  {
    name: 'AddN of three',
    kernel: 'AddN',
    f: (a, b, c) => tf.addN([a!, tf.mul(b!, 2), c!]),
    xs: () => [uniform([2, 3], 5), uniform([2, 3], 6), uniform([2, 3], 7)],
  },
  {
    name: 'Sub [2,3] - [2,1]',
    kernel: 'Sub',
    f: (a, b) => tf.sub(a!, b!),
    xs: () => [uniform([2, 3], 8), uniform([2, 1], 9)],
  },
  {
    name: 'Multiply [2,1,3] * [4,1]',
    kernel: 'Multiply',
    f: (a, b) => tf.mul(a!, b!),
    xs: () => [uniform([2, 1, 3], 10), uniform([4, 1], 11)],
  },
  {
    name: 'Multiply [2,3] * scalar',
    kernel: 'Multiply',
    f: (a, b) => tf.mul(a!, b!),
    xs: () => [uniform([2, 3], 12), t([0.7], [])],
  },
  {
    name: 'RealDiv [2,3] / [3]',
    kernel: 'RealDiv',
    f: (a, b) => tf.div(a!, b!),
    xs: () => [uniform([2, 3], 13), uniform([3], 14, 0.5, 1.5)],
  },
  {
    name: 'FloorDiv away from integer quotients',
    kernel: 'FloorDiv',
    f: (a, b) => tf.floorDiv(a!, b!),
    xs: () => [t([0.35, 1.4, 2.6, -0.7, 3.3, -2.2], [2, 3]), t([1.1, 0.9, 1.2], [3])],
  },
  {
    name: 'Mod [2,3] by [3]',
    kernel: 'Mod',
    f: (a, b) => tf.mod(a!, b!),
    xs: () => [t([0.35, 1.4, 2.6, 0.7, 3.3, 2.2], [2, 3]), t([1.1, 0.9, 1.2], [3])],
    options: { eps: 1e-3 },
  },
  {
    name: 'Maximum [2,3] vs [3] (no ties)',
    kernel: 'Maximum',
    f: (a, b) => tf.maximum(a!, b!),
    xs: () => [distinct([2, 3], 15), distinct([3], 16, 0.05, -0.975)],
    options: { eps: 5e-3 },
  },
  {
    name: 'Minimum [2,1,3] vs [4,1] (no ties)',
    kernel: 'Minimum',
    f: (a, b) => tf.minimum(a!, b!),
    xs: () => [distinct([2, 1, 3], 17), distinct([4, 1], 18, 0.05, -0.975)],
    options: { eps: 5e-3 },
  },
  {
    name: 'SquaredDifference [2,3] vs [2,1]',
    kernel: 'SquaredDifference',
    f: (a, b) => tf.squaredDifference(a!, b!),
    xs: () => [uniform([2, 3], 19), uniform([2, 1], 20)],
  },
  {
    name: 'Pow positive base [2,3] ^ [3]',
    kernel: 'Pow',
    f: (a, b) => tf.pow(a!, b!),
    xs: () => [uniform([2, 3], 21, 0.5, 1.5), uniform([3], 22, -1.5, 1.5)],
  },
  {
    name: 'Atan2 [2,3] by [3]',
    kernel: 'Atan2',
    f: (a, b) => tf.atan2(a!, b!),
    xs: () => [uniform([2, 3], 23, -1, 1, 0.2), uniform([3], 24, -1, 1, 0.3)],
  },
];

describeGradients('arithmetic gradients', arithmeticGradients, cases, () => {
  it('gives ties of Maximum to a and of Minimum to a, and reduces broadcast inputs', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const [da, db] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.maximum(a, b)))([
        t([1, 2, 3], [3]),
        t([2], []),
      ]);
      expect(Array.from(da!.dataSync())).toEqual([0, 1, 1]);
      expect(Array.from(db!.dataSync())).toEqual([1]);
      expect(db!.shape).toEqual([]);
      const [ma, mb] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.minimum(a, b)))([
        t([1, 2, 3], [3]),
        t([2], []),
      ]);
      expect(Array.from(ma!.dataSync())).toEqual([1, 1, 0]);
      expect(Array.from(mb!.dataSync())).toEqual([1]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives same-shape inputs their gradients with no Reshape to the same shape', async () => {
    const before = tf.memory().numTensors;
    const a = t([1, -2, 3, 4, 5, -6], [2, 3]);
    const b = t([2, 3, -1, 0.5, 4, 2], [2, 3]);
    const ops: Array<(a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = [
      tf.mul,
      tf.div,
      tf.squaredDifference,
      tf.maximum,
    ];
    for (const op of ops) {
      const profile = await tf.profile(() =>
        tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(op(x, y)))([a, b]),
      );
      const sameShapeReshapes = profile.kernels.filter(
        (k) => k.name === 'Reshape' && String(k.inputShapes[0]) === '2,3',
      );
      expect(sameShapeReshapes).toEqual([]);
      tf.dispose(profile.result as tf.Tensor[]);
    }
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes d(a^b)/db as 0 where a <= 0', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const db = tf.grad((b: tf.Tensor) => tf.sum(tf.pow(t([-2, 0, 2], [3]), b)))(
        t([2, 2, 2], [3]),
      );
      const values = Array.from(db.dataSync());
      expect(values[0]).toBe(0);
      expect(values[1]).toBe(0);
      expect(values[2]).toBeCloseTo(4 * Math.log(2), 4);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
