import * as tf from '@tensorflow/tfjs-core';
import { activationGradients } from './activation.js';
import { describeGradients, uniform, type GradCase } from './gradcheck.test-helpers.js';

const t = (values: number[], shape: number[]) => tf.tensor(values, shape, 'float32');

const cases: GradCase[] = [
  {
    name: 'Relu away from 0',
    kernel: 'Relu',
    f: (x) => tf.relu(x!),
    xs: () => [uniform([3, 4], 1, -1, 1, 0.1)],
  },
  {
    name: 'Relu6 across 0 and 6',
    kernel: 'Relu6',
    f: (x) => tf.relu6(x!),
    xs: () => [t([-1, 0.5, 2, 5.5, 6.5, 8, -0.2, 3], [2, 4])],
  },
  {
    name: 'Elu away from 0',
    kernel: 'Elu',
    f: (x) => tf.elu(x!),
    xs: () => [uniform([3, 4], 2, -2, 2, 0.1)],
  },
  {
    name: 'LeakyRelu alpha 0.2',
    kernel: 'LeakyRelu',
    f: (x) => tf.leakyRelu(x!, 0.2),
    xs: () => [uniform([3, 4], 3, -1, 1, 0.1)],
  },
  {
    name: 'Prelu [2,3,4] with alpha [4]',
    kernel: 'Prelu',
    f: (x, a) => tf.prelu(x!, a!),
    xs: () => [uniform([2, 3, 4], 4, -1, 1, 0.1), uniform([4], 5, 0.1, 0.5)],
  },
  {
    name: 'Prelu [2,3,4] with alpha [3,1]',
    kernel: 'Prelu',
    f: (x, a) => tf.prelu(x!, a!),
    xs: () => [uniform([2, 3, 4], 6, -1, 1, 0.1), uniform([3, 1], 7, 0.1, 0.5)],
  },
  {
    name: 'Selu away from 0',
    kernel: 'Selu',
    f: (x) => tf.selu(x!),
    xs: () => [uniform([3, 4], 8, -2, 2, 0.1)],
  },
  {
    name: 'Sigmoid',
    kernel: 'Sigmoid',
    f: (x) => tf.sigmoid(x!),
    xs: () => [uniform([3, 4], 9, -3, 3)],
  },
  { name: 'Tanh', kernel: 'Tanh', f: (x) => tf.tanh(x!), xs: () => [uniform([3, 4], 10, -2, 2)] },
  {
    name: 'Softplus',
    kernel: 'Softplus',
    f: (x) => tf.softplus(x!),
    xs: () => [uniform([3, 4], 11, -3, 3)],
  },
  {
    name: 'Softmax over the last axis of [2,3,4]',
    kernel: 'Softmax',
    f: (x) => tf.softmax(x!),
    xs: () => [uniform([2, 3, 4], 12, -2, 2)],
  },
  {
    name: 'LogSoftmax',
    kernel: 'LogSoftmax',
    f: (x) => x!,
    xs: () => [],
    checkedDirectly: 'tf.logSoftmax is a customGrad composite; no LogSoftmax kernel runs',
  },
];

describeGradients('activation gradients', activationGradients, cases, () => {
  it('LogSoftmax gradFunc equals the gradient of the composite logSoftmax', () => {
    const config = activationGradients.find((c) => c.kernelName === 'LogSoftmax')!;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = uniform([2, 5], 13, -2, 2);
      const dy = uniform([2, 5], 14);
      const y = tf.logSoftmax(x);
      const ours = config.gradFunc(dy, [y], { axis: 1 })['logits']!();
      // Independent reference by hand: dy - softmax(x) * sum(dy)
      const p = tf.softmax(x).arraySync() as number[][];
      const d = dy.arraySync() as number[][];
      const byHand = d.map((row, i) => {
        const total = row.reduce((s, v) => s + v, 0);
        return row.map((v, j) => v - p[i]![j]! * total);
      });
      const got = ours.arraySync() as number[][];
      got.flat().forEach((v, k) => expect(v).toBeCloseTo(byHand.flat()[k]!, 5));
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    ['Relu', tf.relu],
    ['Relu6', tf.relu6],
  ] as const)(
    "frees %s's input before the backward pass (its gradient reads the output)",
    (_, act) => {
      const x = t([-1, 0.5, 2, 7], [4]);
      const before = tf.memory().numTensors;
      let pre: tf.Tensor | undefined;
      let preAlive: boolean | undefined;
      const isAlive = (t: tf.Tensor) => {
        try {
          tf.backend().readSync(t.dataId);
          return true;
        } catch {
          return false;
        }
      };
      // Records, when the backward pass starts, whether the pre-activation's buffer still lives.
      const probe = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
        value: tf.clone(args[0] as tf.Tensor),
        gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
          preAlive = isAlive(pre!);
          return [tf.clone(dy as tf.Tensor)];
        },
      }));
      const dx = tf.grad((v: tf.Tensor) => {
        pre = tf.mul(v, 2);
        return probe(tf.sum(act(pre))) as tf.Tensor;
      })(x);
      expect(preAlive).toBe(false);
      expect(Array.from(dx.dataSync())).toEqual(_ === 'Relu' ? [0, 2, 2, 2] : [0, 2, 2, 0]);
      dx.dispose();
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    },
  );

  it('gives Relu a zero gradient at 0 and Relu6 zero at 0 and 6, like TF', () => {
    tf.tidy(() => {
      const x = t([0, 6, 3], [3]);
      expect(
        Array.from(
          tf
            .grad((v: tf.Tensor) => tf.sum(tf.relu(v)))(x)
            .dataSync(),
        ),
      ).toEqual([0, 1, 1]);
      expect(
        Array.from(
          tf
            .grad((v: tf.Tensor) => tf.sum(tf.relu6(v)))(x)
            .dataSync(),
        ),
      ).toEqual([0, 0, 1]);
    });
  });
});
