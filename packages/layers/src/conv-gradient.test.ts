// conv2d's ReLU layers train through one fused op (conv + bias + ReLU with its own gradient):
// its forward values and gradients must be TensorFlow's (computed by TF in the venv at test
// time), and the tape must not keep the conv's pre-activation output alive.
import {
  describeWith,
  runPython,
  testBackends,
  tfUnavailableReason,
} from '@tfslim-internal/testing';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  VariableStore,
  constantInitializer,
  variableScope,
  withVariableStore,
} from '@tfslim/variables';
import { conv2d } from './index.js';

const X_SHAPE = [2, 9, 9, 3];
const rand = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i * 12.9898) * 0.8);
const X = rand(2 * 9 * 9 * 3, 1);
const W = rand(3 * 3 * 3 * 5, 2);
const B = rand(5, 3);
const UPSTREAM = rand(2 * 7 * 7 * 5, 4); // dL/dy, its first y.size values
const CASES = [
  { name: 'stride 2, SAME, relu', stride: 2, padding: 'SAME', relu: true },
  { name: 'stride 1, VALID, no activation', stride: 1, padding: 'VALID', relu: false },
] as const;

interface TfCase {
  y: number[];
  dx: number[];
  dw: number[];
  db: number[];
}

const SCRIPT = String.raw`
import json, sys
import numpy as np
import tensorflow as tf
inp = json.load(sys.stdin)
x = tf.constant(np.array(inp['x'], np.float32).reshape(inp['xShape']))
w = tf.Variable(np.array(inp['w'], np.float32).reshape([3, 3, 3, 5]))
b = tf.Variable(np.array(inp['b'], np.float32))
out = []
for c in inp['cases']:
  with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.nn.bias_add(tf.nn.conv2d(x, w, c['stride'], c['padding']), b)
    if c['relu']:
      y = tf.nn.relu(y)
    up = tf.constant(np.array(inp['up'][:int(np.prod(y.shape))], np.float32).reshape(y.shape))
    loss = tf.reduce_sum(y * up)
  dx, dw, db = tape.gradient(loss, [x, w, b])
  out.append({k: v.numpy().ravel().tolist() for k, v in
              {'y': y, 'dx': dx, 'dw': dw, 'db': db}.items()})
print(json.dumps(out))
`;

const reason = tfUnavailableReason();
const tfResults = (): TfCase[] =>
  runPython<TfCase[]>(SCRIPT, { x: X, xShape: X_SHAPE, w: W, b: B, up: UPSTREAM, cases: CASES });

const maxAbsDiff = (a: ArrayLike<number>, b: readonly number[]) => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
};

function convLayer(store: VariableStore, x: tf.Tensor, c: (typeof CASES)[number]): tf.Tensor {
  return withVariableStore(store, () =>
    variableScope(c.name.replace(/[^a-z0-9]+/gi, '_'), () =>
      conv2d(x, 5, [3, 3], {
        stride: c.stride,
        padding: c.padding,
        activation: c.relu ? 'relu' : null,
        weightsInitializer: constantInitializer(W),
        biasesInitializer: constantInitializer(B),
        scope: 'conv',
      }),
    ),
  );
}

describeWith('tf', 'conv2d forward and gradients equal TensorFlow').each(testBackends())(
  'on %s',
  (backend) => {
    let expected: TfCase[] = [];
    beforeAll(async () => {
      await selectBackend({ require: backend, env: {} });
      if (reason === null) expected = tfResults();
    });

    CASES.forEach((c, i) =>
      it(c.name, () => {
        const store = new VariableStore();
        const x = tf.tensor(X, X_SHAPE);
        const before = tf.memory().numTensors;
        const [w, b] = [
          () => store.get(`${c.name.replace(/[^a-z0-9]+/gi, '_')}/conv/weights`)!,
          () => store.get(`${c.name.replace(/[^a-z0-9]+/gi, '_')}/conv/biases`)!,
        ];
        tf.dispose(convLayer(store, x, c)); // creates the variables
        const { y, dx, dw, db } = tf.tidy(() => {
          const f = (xx: tf.Tensor) => {
            const out = convLayer(store, xx, c);
            return tf.sum(tf.mul(out, tf.tensor(UPSTREAM.slice(0, out.size), out.shape)));
          };
          // The variables are the same objects the layer reads, so tf.grads differentiates them.
          const grads = tf.grads((xx: tf.Tensor, _w: tf.Tensor, _b: tf.Tensor) => f(xx))([
            x,
            w(),
            b(),
          ]);
          return {
            y: convLayer(store, x, c).dataSync(),
            dx: grads[0]!.dataSync(),
            dw: grads[1]!.dataSync(),
            db: grads[2]!.dataSync(),
          };
        });
        const want = expected[i]!;
        const tol = 1e-5;
        expect(maxAbsDiff(y, want.y)).toBeLessThan(tol);
        expect(maxAbsDiff(dx, want.dx)).toBeLessThan(tol);
        expect(maxAbsDiff(dw, want.dw)).toBeLessThan(tol);
        expect(maxAbsDiff(db, want.db)).toBeLessThan(tol);
        expect(tf.memory().numTensors).toBe(before + 2); // the two variables
        x.dispose();
        store.dispose();
      }),
    );
  },
);

describe.each(testBackends())('conv2d + ReLU training memory on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  /** Data buffers alive when the backward pass starts, over those alive before the step. */
  function buffersHeldForBackward(activation: 'relu' | ((t: tf.Tensor) => tf.Tensor)): number {
    const store = new VariableStore();
    const x = tf.tensor(X, X_SHAPE);
    const layer = () =>
      withVariableStore(store, () =>
        conv2d(x, 5, [3, 3], { activation, weightsInitializer: constantInitializer(W) }),
      );
    tf.dispose(layer());
    const before = tf.memory().numDataBuffers;
    let held = -1;
    const probe = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
      value: tf.clone(args[0] as tf.Tensor),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        held = tf.memory().numDataBuffers - before;
        return [tf.clone(dy as tf.Tensor)];
      },
    }));
    const { value, grads } = tf.variableGrads(() => probe(tf.sum(layer())) as tf.Scalar);
    tf.dispose([value, ...Object.values(grads)]);
    x.dispose();
    store.dispose();
    return held;
  }

  it('keeps no pre-activation tensor for the backward pass (one fused op, TF gradient)', () => {
    const before = tf.memory().numTensors;
    const fused = buffersHeldForBackward('relu');
    const unfused = buffersHeldForBackward((t) => tf.relu(t)); // conv2d, add, relu
    expect(unfused - fused).toBeGreaterThanOrEqual(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
