// l2Regularizer is slim's l2_regularizer, `scale * tf.nn.l2_loss(w)`: its value and gradient
// against the venv's TensorFlow on every backend (bit for bit where TF's own L2Loss op runs).
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { describeWith, rng, runPython, testBackends } from '@tfslim-internal/testing';
import { l2Regularizer } from './index.js';

const SHAPE = [3, 3, 67, 129];
const SCALE = 0.0005;

function seeded(length: number, seed: number): number[] {
  const next = rng(seed);
  return Array.from({ length }, () => Math.fround(next() * 4 - 2));
}

const W = seeded(
  SHAPE.reduce((a, b) => a * b, 1),
  7,
);

describeWith('tf', 'l2Regularizer vs TensorFlow')('l2Regularizer vs TensorFlow', () => {
  let ref: { value: number; grad: number[] };
  beforeAll(() => {
    ref = runPython(
      `
import json, sys
import numpy as np, tensorflow as tf
c = json.load(sys.stdin)
w = tf.Variable(np.array(c['w'], np.float32).reshape(c['shape']))
with tf.GradientTape() as tape:
    # slim's l2_regularizer: scale as a tensor of w's dtype times l2_loss
    loss = tf.multiply(tf.convert_to_tensor(c['scale'], tf.float32), tf.nn.l2_loss(w))
grad = tape.gradient(loss, w)
print(json.dumps({'value': float(loss.numpy()), 'grad': grad.numpy().ravel().tolist()}))
`,
      { w: W, shape: SHAPE, scale: SCALE },
    );
  });

  describe.each(testBackends())('on %s', (backend) => {
    beforeAll(async () => {
      await selectBackend({ require: backend, env: {} });
    });

    it("value equals TF's scale * l2_loss(w), gradient scale * w, no leak", () => {
      const w = tf.variable(tf.tensor(W, SHAPE));
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => l2Regularizer(SCALE)(w) as tf.Scalar, [w]);
      const got = value.dataSync()[0] as number;
      // TF's own L2Loss op runs on tensorflow; elsewhere a sum in another order.
      if (backend === 'tensorflow') expect(got).toBe(ref.value);
      else expect(Math.abs(got - ref.value) / ref.value).toBeLessThan(1e-6);
      expect(Array.from(grads[w.name]!.dataSync())).toEqual(ref.grad);
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      w.dispose();
    });
  });
});
