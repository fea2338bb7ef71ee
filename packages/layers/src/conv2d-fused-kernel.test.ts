// conv2d trains through ONE FusedConv2D kernel (the gradient @tfslim/gradients registers) for
// every activation that gradient differentiates, dilated and bias-free convs included.
import * as tf from '@tensorflow/tfjs-core';
import { registerGradients, selectBackend } from '@tfslim/backend-selector';
import { rng, testBackends } from '@tfslim-internal/testing';
import { VariableStore, constantInitializer, variableScope } from '@tfslim/variables';
import { conv2d, type Conv2dOptions } from './index.js';

const values = (n: number, seed: number): number[] => {
  const next = rng(seed);
  return Array.from({ length: n }, () => next() * 2 - 1);
};
const X_SHAPE = [2, 8, 8, 3];
const X = values(2 * 8 * 8 * 3, 1);
const W = values(3 * 3 * 3 * 4, 2);
const B = values(4, 3);
const T = values(2 * 8 * 8 * 4, 4); // targets, their first y.size values

const CASES: Array<[string, Conv2dOptions]> = [
  ['relu, stride 2', { stride: 2 }],
  ['relu6, VALID', { activation: 'relu6', padding: 'VALID' }],
  ['elu', { activation: 'elu' }],
  ['sigmoid, stride 2 VALID', { activation: 'sigmoid', stride: 2, padding: 'VALID' }],
  ['no activation', { activation: null }],
  ['relu, rate 2', { rate: 2 }],
  ['relu, no biases', { biasesInitializer: null }],
];

interface Step {
  loss: number;
  grads: number[][];
}

/** Loss sum((conv(x) - t)^2) and its gradients with respect to x and the layer's variables. */
function layerStep(options: Conv2dOptions): Step {
  const store = new VariableStore();
  const x = tf.tensor(X, X_SHAPE);
  try {
    const layer = (input: tf.Tensor) =>
      variableScope(
        'net',
        () =>
          conv2d(input, 4, [3, 3], {
            weightsInitializer: constantInitializer(W),
            biasesInitializer: constantInitializer(B),
            ...options,
            scope: 'conv',
          }),
        {
          store,
        },
      );
    tf.tidy(() => {
      layer(x);
    });
    const vars = Object.values(store.namedVariables()).filter((v) => v.trainable);
    return tf.tidy(() => {
      const loss = (input: tf.Tensor) => {
        const y = layer(input);
        return tf.sum(tf.squaredDifference(y, tf.tensor(T.slice(0, y.size), y.shape))) as tf.Scalar;
      };
      const { value, grads } = tf.variableGrads(() => loss(x), vars);
      const dx = tf.grad(loss)(x);
      return {
        loss: value.dataSync()[0]!,
        grads: [dx, ...vars.map((v) => grads[v.name]!)].map((g) => Array.from(g.dataSync())),
      };
    });
  } finally {
    x.dispose();
    store.dispose();
  }
}

function expectClose(got: number[], want: number[], what: string): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (!(Math.abs(g - w) <= 1e-5 + 1e-5 * Math.abs(w))) {
      throw new Error(`${what}[${i}]: got ${g}, the unfused ops give ${w}`);
    }
  });
}

describe.each(testBackends())('conv2d trained as one FusedConv2D kernel on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it.each(CASES)(
    '%s: the same loss and gradients as the unfused ops (tf.fused.conv2d splits itself)',
    (_name, options) => {
      const before = tf.memory().numTensors;
      const fused = layerStep(options);
      // Without the FusedConv2D gradient the layer falls back to tf.fused.conv2d, which runs
      // conv2d, add and the activation as separate taped ops.
      tf.unregisterGradient(tf.FusedConv2D);
      let unfused: Step;
      try {
        unfused = layerStep(options);
      } finally {
        registerGradients();
      }
      expect(fused.loss).toBeCloseTo(unfused.loss, 4);
      expect(fused.grads).toHaveLength(unfused.grads.length);
      fused.grads.forEach((g, i) => expectClose(g, unfused.grads[i]!, `gradient ${i}`));
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it.each(CASES)('%s: forward under the tape is one FusedConv2D kernel', async (_name, options) => {
    const step = () => {
      layerStep(options);
    };
    const kernels = (await tf.profile(step)).kernels.map((k) => k.name);
    expect(kernels).toContain('FusedConv2D');
    // tfjs-node's own FusedConv2D runs its parts inside the kernel (not taped).
    if (backend === 'tensorflow') return;
    const unfused = ['Conv2D', 'Relu', 'Relu6', 'Elu', 'Sigmoid']; // not Add: elu's gradient runs one
    expect(kernels.filter((k) => unfused.includes(k))).toEqual([]);
  });

  it('records one FusedConv2D per layer, no separate bias add or relu, and no dx for the images', async () => {
    const store = new VariableStore();
    const x = tf.tensor(X, X_SHAPE);
    const net = () =>
      variableScope(
        'block',
        () => conv2d(conv2d(x, 4, [3, 3], { scope: 'conv1' }), 4, [3, 3], { scope: 'conv2' }),
        { store },
      );
    tf.tidy(() => {
      net();
    });
    const vars = Object.values(store.namedVariables()).filter((v) => v.trainable);
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(net()) as tf.Scalar, vars);
        tf.dispose([value, ...Object.values(grads)]);
      });
    step();
    const before = tf.memory().numTensors;
    const kernels = (await tf.profile(step)).kernels.map((k) => k.name);
    const count = (name: string) => kernels.filter((k) => k === name).length;
    expect(count('FusedConv2D')).toBe(2);
    // tfjs-node's own FusedConv2D runs conv2d, add and relu inside the kernel (not taped).
    if (backend !== 'tensorflow') expect(count('Add') + count('Relu')).toBe(0);
    expect(count('Conv2DBackpropFilter')).toBe(2);
    expect(count('Conv2DBackpropInput')).toBe(1); // conv2's input only: x is no variable
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    store.dispose();
  });
});
