import * as tf from '@tensorflow/tfjs-core';
import { registerGradients, selectBackend } from '@tfslim/backend-selector';
import { describeWith, rng, runPython, testBackends } from '@tfslim-internal/testing';
import { VariableStore, variableScope } from '@tfslim/variables';
import { fullyConnected } from './index.js';

const ACTIVATIONS = ['relu', 'linear', 'relu6', 'elu', 'sigmoid', 'tanh'] as const;
type Act = (typeof ACTIVATIONS)[number];

const values = (n: number, seed: number, scale: number): number[] => {
  const next = rng(seed);
  return Array.from({ length: n }, () => (next() * 2 - 1) * scale);
};
// A [4, 6] batch into 5 units: weights large enough that relu6 saturates somewhere.
const X = values(24, 1, 2);
const W = values(30, 2, 3);
const B = values(5, 3, 0.5);
const T = values(20, 4, 1);

interface Step {
  loss: number;
  dx: number[];
  dw: number[];
  db: number[];
}

/** Loss sum((layer(x) - t)^2) and its gradients, with the layer's variables set to W, B. */
function layerStep(activation: Act): Step {
  const store = new VariableStore();
  const x = tf.tensor2d(X, [4, 6]);
  const t = tf.tensor2d(T, [4, 5]);
  try {
    const layer = (input: tf.Tensor) =>
      variableScope('net', () => fullyConnected(input, 5, { activation, scope: 'fc' }), {
        store,
      });
    tf.tidy(() => {
      layer(x);
    });
    const w = tf.tensor2d(W, [6, 5]);
    const b = tf.tensor1d(B);
    store.get('net/fc/weights')!.assign(w);
    store.get('net/fc/biases')!.assign(b);
    tf.dispose([w, b]);
    const vars = [store.get('net/fc/weights')!, store.get('net/fc/biases')!];
    return tf.tidy(() => {
      const loss = (xs: tf.Tensor) => tf.sum(tf.squaredDifference(layer(xs), t)) as tf.Scalar;
      const { value, grads } = tf.variableGrads(() => loss(x), vars);
      const dx = tf.grad(loss)(x);
      return {
        loss: value.dataSync()[0]!,
        dx: Array.from(dx.dataSync()),
        dw: Array.from(grads[vars[0]!.name]!.dataSync()),
        db: Array.from(grads[vars[1]!.name]!.dataSync()),
      };
    });
  } finally {
    tf.dispose([x, t]);
    store.dispose();
  }
}

/** The same step written as TF-Slim's fully_connected computes it, by TensorFlow 2.21. */
function tfSteps(): Record<Act, Step> {
  return runPython<Record<Act, Step>>(
    `
import json, sys
import numpy as np
import tensorflow as tf
inp = json.load(sys.stdin)
x = tf.constant(np.array(inp['x'], np.float32).reshape(4, 6))
w = tf.constant(np.array(inp['w'], np.float32).reshape(6, 5))
b = tf.constant(np.array(inp['b'], np.float32))
t = tf.constant(np.array(inp['t'], np.float32).reshape(4, 5))
acts = {'relu': tf.nn.relu, 'linear': lambda v: v, 'relu6': tf.nn.relu6, 'elu': tf.nn.elu,
        'sigmoid': tf.sigmoid, 'tanh': tf.tanh}
out = {}
for name, act in acts.items():
    with tf.GradientTape() as tape:
        tape.watch([x, w, b])
        loss = tf.reduce_sum(tf.square(act(tf.nn.bias_add(tf.matmul(x, w), b)) - t))
    dx, dw, db = tape.gradient(loss, [x, w, b])
    out[name] = {'loss': float(loss), 'dx': dx.numpy().ravel().tolist(),
                 'dw': dw.numpy().ravel().tolist(), 'db': db.numpy().ravel().tolist()}
print(json.dumps(out))
`,
    { x: X, w: W, b: B, t: T },
  );
}

function expectClose(got: number[], want: number[], what: string): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (!(Math.abs(g - w) <= 1e-5 + 1e-5 * Math.abs(w))) {
      throw new Error(`${what}[${i}]: got ${g}, TensorFlow gives ${w}`);
    }
  });
}

describe.each(testBackends())('fullyConnected trained as one fused kernel on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it.each(ACTIVATIONS)(
    '%s: the same loss and gradients as the unfused ops (tf.fused.matMul splits itself)',
    (activation) => {
      const before = tf.memory().numTensors;
      const fused = layerStep(activation);
      // Without our _FusedMatMul gradient the layer falls back to tf.fused.matMul, which runs
      // matMul, add and the activation as separate taped ops.
      tf.unregisterGradient(tf._FusedMatMul);
      let unfused: Step;
      try {
        unfused = layerStep(activation);
      } finally {
        registerGradients();
      }
      expect(fused.loss).toBeCloseTo(unfused.loss, 5);
      expectClose(fused.dx, unfused.dx, 'dx');
      expectClose(fused.dw, unfused.dw, 'dw');
      expectClose(fused.db, unfused.db, 'db');
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('records one _FusedMatMul per layer and no separate bias add or relu', async () => {
    const store = new VariableStore();
    const x = tf.tensor2d(X, [4, 6]);
    const net = (input: tf.Tensor) =>
      variableScope(
        'mlp',
        () => fullyConnected(fullyConnected(input, 5, { scope: 'fc1' }), 3, { scope: 'fc2' }),
        { store },
      );
    tf.tidy(() => {
      net(x);
    });
    const vars = Object.values(store.namedVariables()).filter((v) => v.trainable);
    const profile = await tf.profile(() =>
      tf.tidy(() => {
        tf.variableGrads(() => tf.sum(net(x)) as tf.Scalar, vars);
      }),
    );
    const forward = profile.kernels
      .map((k) => k.name)
      .filter((k) => ['_FusedMatMul', 'Relu', 'Add'].includes(k));
    // tfjs-node's own _FusedMatMul runs matMul, add and relu inside the kernel (not taped).
    expect(forward.filter((k) => k === '_FusedMatMul')).toHaveLength(2);
    if (backend !== 'tensorflow') expect(forward).toEqual(['_FusedMatMul', '_FusedMatMul']);
    tf.dispose(x);
    store.dispose();
  });
});

describeWith('tf', 'the TensorFlow comparison of fused fullyConnected')(
  'fullyConnected trained as one fused kernel, against TensorFlow',
  () => {
    let tf21: Record<Act, Step>;
    beforeAll(() => {
      tf21 = tfSteps();
    });
    describe.each(testBackends())('on %s', (backend) => {
      beforeAll(async () => {
        await selectBackend({ require: backend, env: {} });
      });
      it.each(ACTIVATIONS)('%s: loss and gradients equal TensorFlow 2.21', (activation) => {
        const ours = layerStep(activation);
        const want = tf21[activation];
        expect(ours.loss).toBeCloseTo(want.loss, 4);
        expectClose(ours.dx, want.dx, 'dx');
        expectClose(ours.dw, want.dw, 'dw');
        expectClose(ours.db, want.db, 'db');
      });
    });
  },
);
