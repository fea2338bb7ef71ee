import * as tf from '@tensorflow/tfjs-core';
import { comparisonGradients } from './comparison.js';
import { describeGradients, type GradCase } from './gradcheck.test-helpers.js';

const a = () => tf.tensor([0.1, 0.5, -0.3, 0.9, 2, -1], [2, 3]);
const b = () => tf.tensor([0.3, 0.2, 0.2, -0.4, 2.5, -1.5], [2, 3]);

/** `x * cast(compare(x, y))`: the comparison's inputs get 0, x gets the mask (away from ties). */
function masked(kernel: string, compare: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor): GradCase {
  return {
    name: `${kernel} as a mask`,
    kernel,
    f: (x, y) => tf.mul(x!, tf.cast(compare(x!, y!), 'float32')),
    xs: () => [a(), b()],
  };
}

const positive = (t: tf.Tensor) => tf.greater(t, 0);

const cases: GradCase[] = [
  masked('Equal', (x, y) => tf.equal(x, y)),
  masked('NotEqual', (x, y) => tf.notEqual(x, y)),
  masked('Greater', (x, y) => tf.greater(x, y)),
  masked('GreaterEqual', (x, y) => tf.greaterEqual(x, y)),
  masked('Less', (x, y) => tf.less(x, y)),
  masked('LessEqual', (x, y) => tf.lessEqual(x, y)),
  masked('LogicalAnd', (x, y) => tf.logicalAnd(positive(x), positive(y))),
  masked('LogicalOr', (x, y) => tf.logicalOr(positive(x), positive(y))),
  {
    name: 'LogicalXor',
    kernel: 'LogicalXor',
    f: (x) => x!,
    xs: () => [],
    checkedDirectly:
      'tf.logicalXor is composed of And/Or/Not on cpu and wasm (no LogicalXor kernel runs)',
  },
  {
    name: 'LogicalNot as a mask',
    kernel: 'LogicalNot',
    f: (x) => tf.mul(x!, tf.cast(tf.logicalNot(positive(x!)), 'float32')),
    xs: () => [a()],
  },
  {
    name: 'Any over axis 1 as a row mask',
    kernel: 'Any',
    f: (x) => tf.mul(x!, tf.cast(tf.any(tf.greater(x!, 0.6), 1, true), 'float32')),
    xs: () => [a()],
  },
  {
    name: 'All over axis 1 as a row mask',
    kernel: 'All',
    f: (x) => tf.mul(x!, tf.cast(tf.all(tf.greater(x!, -0.5), 1, true), 'float32')),
    xs: () => [a()],
  },
  {
    name: 'where(x > 0, x, 0.1 * x), the leaky-relu idiom',
    kernel: 'Greater',
    f: (x) => tf.where(tf.greater(x!, 0), x!, tf.mul(x!, 0.1)),
    xs: () => [a()],
  },
];

describeGradients('comparison gradients', comparisonGradients, cases, () => {
  it('LogicalXor gradFunc gives both inputs a float32 zero gradient', () => {
    const config = comparisonGradients.find((c) => c.kernelName === 'LogicalXor')!;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.tensor([true, false, true], [3], 'bool');
      const y = tf.tensor([false, false, true], [3], 'bool');
      const grads = config.gradFunc(tf.ones([3]), [x, y], {});
      for (const name of ['a', 'b']) {
        const g = grads[name]!();
        expect(g.dtype).toBe('float32');
        expect(Array.from(g.dataSync())).toEqual([0, 0, 0]);
      }
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
