// The kernels selectBackend adds to the real tfjs-node backend: ReluGrad and L2Loss equal
// TensorFlow's ops (the venv's TF computes the references), and ApplyGradientDescent updates a
// variable in place without changing what any other tensor sees, and without leaks.
import * as tf from '@tensorflow/tfjs-core';
import { describeWith, rng, runPython, unavailable } from '@tfslim-internal/testing';
import { liveResources } from './native-apply-gradient-descent.js';
import type { NativeBackend } from './native-backend.js';
import { selectBackend } from './select.js';

/** Seeded values in [-1, 1), a few of them exactly 0. */
function seeded(length: number, seed: number): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length }, (_, i) => (i % 7 === 3 ? 0 : next() * 2 - 1));
}

/** A variable alone on its data (tf.variable(t) shares t's data until t is disposed). */
const variableOf = (values: Float32Array | number[], shape: number[]) =>
  tf.tidy(() => tf.variable(tf.tensor(values, shape)));

const native = () => tf.backend() as unknown as NativeBackend;

/** One optimizer step as `applyGradientDescent` in @tfslim/variables does it. */
function sgdStep(v: tf.Variable, delta: tf.Tensor, alpha: number): void {
  const out = tf.engine().runKernel('ApplyGradientDescent', { variable: v, delta }, { alpha });
  v.assign(out as tf.Tensor);
  (out as tf.Tensor).dispose();
}

/** tfjs' SGD formula, value + (-alpha) * delta, as a new tensor. */
const tfjsSgd = (v: tf.Tensor, delta: tf.Tensor, alpha: number) =>
  tf.tidy(() => tf.add(tf.mul(tf.scalar(-alpha), delta), v));

const bits = (t: tf.Tensor) => new Uint32Array(Float32Array.from(t.dataSync()).buffer);

describeWith('native', 'the native kernels')('the kernels selectBackend adds to tensorflow', () => {
  beforeAll(async () => {
    await selectBackend({ require: 'tensorflow', env: {} });
  });

  const withTf = unavailable('tf', 'the native kernels vs TensorFlow') === null ? it : it.skip;

  withTf('ReluGrad and L2Loss equal TF ops on odd shapes', () => {
    const shapes = [[3, 5, 7], [1001], [2, 1, 3, 1]];
    const cases = shapes.map((shape, i) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return { shape, dy: Array.from(seeded(n, 10 + i)), y: Array.from(seeded(n, 20 + i)) };
    });
    const ref = runPython<{ reluGrad: number[]; l2: number }[]>(
      `
import json, sys
import numpy as np, tensorflow as tf
out = []
for c in json.load(sys.stdin):
    dy = tf.constant(np.array(c['dy'], np.float32).reshape(c['shape']))
    y = tf.constant(np.array(c['y'], np.float32).reshape(c['shape']))
    out.append({'reluGrad': tf.raw_ops.ReluGrad(gradients=dy, features=y).numpy().ravel().tolist(),
                'l2': float(tf.nn.l2_loss(y).numpy())})
print(json.dumps(out))
`,
      cases,
    );
    const before = tf.memory().numTensors;
    cases.forEach((c, i) => {
      tf.tidy(() => {
        const dy = tf.tensor(c.dy, c.shape);
        const y = tf.tensor(c.y, c.shape);
        const grad = tf.engine().runKernel('ReluGrad', { dy, y }, {}) as tf.Tensor;
        expect(grad.shape).toEqual(c.shape);
        expect(Array.from(grad.dataSync())).toEqual(ref[i]!.reluGrad);
        const l2 = tf.engine().runKernel('L2Loss', { x: y }, {}) as tf.Tensor;
        expect(l2.shape).toEqual([]);
        expect(l2.dataSync()[0]).toBe(ref[i]!.l2);
      });
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ApplyGradientDescent gives the bits of tfjs SGD, three updates in place', () => {
    const v = variableOf(seeded(3 * 1001, 1), [3, 1001]);
    const dataId = v.dataId;
    const deltas = [2, 3, 4].map((s) => tf.tensor(seeded(3 * 1001, s), [3, 1001]));
    let expected = tf.tensor(v.dataSync(), v.shape); // a copy: a clone would share v's data
    const handles = new Set<number>();
    const before = { tensors: tf.memory().numTensors, data: tf.memory().numDataBuffers };
    for (const [i, delta] of deltas.entries()) {
      const alpha = 0.01 * (i + 1);
      const next = tfjsSgd(expected, delta, alpha);
      expected.dispose();
      expected = next;
      sgdStep(v, delta, alpha);
      expect(v.dataId).toBe(dataId); // the same data, updated where it lies
      handles.add(native().tensorMap.get(v.dataId)!.id);
      expect(bits(v)).toEqual(bits(expected));
      expect(tf.memory().numTensors).toBe(before.tensors);
      expect(tf.memory().numDataBuffers).toBe(before.data);
    }
    expect(handles.size).toBe(3); // each update read the resource again
    expect(liveResources(tf.backend())).toBe(1);
    tf.dispose([v, expected, ...deltas]);
    expect(liveResources(tf.backend())).toBe(0);
  });

  it('leaves a tf.clone, a full tf.slice and a read array with the old values', () => {
    const v = variableOf([1, 2, 3, 4], [2, 2]);
    const delta = tf.ones([2, 2]);
    sgdStep(v, delta, 0.5); // makes the resource
    const cloned = tf.clone(v); // shares v's data: this update must not touch it
    sgdStep(v, delta, 0.5);
    expect(Array.from(cloned.dataSync())).toEqual([0.5, 1.5, 2.5, 3.5]);
    expect(Array.from(v.dataSync())).toEqual([0, 1, 2, 3]);
    cloned.dispose();
    const sliced = tf.slice(v, [0, 0], [2, 2]); // TF aliases the buffer: copy-on-write
    const reshaped = tf.reshape(v, [4]);
    const read = v.dataSync();
    const dataId = v.dataId;
    sgdStep(v, delta, 0.5);
    expect(v.dataId).toBe(dataId); // updated in place, yet the aliases kept their values
    expect(Array.from(v.dataSync())).toEqual([-0.5, 0.5, 1.5, 2.5]);
    expect(Array.from(sliced.dataSync())).toEqual([0, 1, 2, 3]);
    expect(Array.from(reshaped.dataSync())).toEqual([0, 1, 2, 3]);
    expect(Array.from(read)).toEqual([0, 1, 2, 3]);
    tf.dispose([v, delta, sliced, reshaped]);
  });

  it('destroys the resource with the data: disposed, or assigned another tensor', () => {
    const backend = native();
    const before = {
      tensors: tf.memory().numTensors,
      data: tf.memory().numDataBuffers,
      backendData: (backend as unknown as { numDataIds(): number }).numDataIds(),
      resources: liveResources(backend),
    };
    const delta = tf.fill([5], 2);
    for (let round = 0; round < 3; round++) {
      const v = variableOf([1, 2, 3, 4, 5], [5]);
      sgdStep(v, delta, 0.25);
      expect(liveResources(backend)).toBe(before.resources + 1);
      const doubled = tf.mul(v, 2);
      v.assign(doubled); // the old data (and its resource) go
      doubled.dispose();
      expect(liveResources(backend)).toBe(before.resources);
      sgdStep(v, delta, 0.25); // a new resource for the new data
      expect(Array.from(v.dataSync())).toEqual([0.5, 2.5, 4.5, 6.5, 8.5]);
      expect(liveResources(backend)).toBe(before.resources + 1);
      v.dispose();
      expect(liveResources(backend)).toBe(before.resources);
    }
    delta.dispose();
    expect(tf.memory().numTensors).toBe(before.tensors);
    expect(tf.memory().numDataBuffers).toBe(before.data);
    expect((backend as unknown as { numDataIds(): number }).numDataIds()).toBe(before.backendData);
  });

  it('computes a new tensor when the delta is the variable itself', () => {
    const v = variableOf([2, 4], [2]);
    sgdStep(v, v, 0.5);
    expect(Array.from(v.dataSync())).toEqual([1, 2]);
    v.dispose();
  });
});
