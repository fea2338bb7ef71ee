// applyGradientDescent: tfjs SGD's float32 values on every backend, one kernel where registered.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { testBackends } from '@tfslim-internal/testing';
import { APPLY_GRADIENT_DESCENT, applyGradientDescent, VariableArgumentError } from './index';

/** Deterministic values in [-2, 2) with zeros and negative zeros mixed in. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = i % 7 === 3 ? (i % 2 ? -0 : 0) : (s / 2147483648) * 4 - 2;
  }
  return out;
}

/** The first index where two tensors' float32 bits differ (so -0 and 0 differ), or -1. */
function firstDifference(a: tf.Tensor, b: tf.Tensor): number {
  const x = new Uint32Array((a.dataSync() as Float32Array).slice().buffer);
  const y = new Uint32Array((b.dataSync() as Float32Array).slice().buffer);
  return x.findIndex((bitsOfX, i) => bitsOfX !== y[i]);
}

describe.each(testBackends())('applyGradientDescent on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it.each([
    { shape: [1] },
    { shape: [5] },
    { shape: [4, 3] },
    { shape: [7, 9] },
    { shape: [784, 33] },
  ])('gives the bits of tf.train.sgd for shape $shape', ({ shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    for (const alpha of [0.01, 0.1, 1e-5, 2.5]) {
      const ours = tf.variable(tf.tensor(values(size, 1), shape));
      const stock = tf.variable(tf.tensor(values(size, 1), shape));
      const optimizer = tf.train.sgd(alpha);
      for (let step = 0; step < 3; step++) {
        const delta = tf.tensor(values(size, step + 2), shape);
        applyGradientDescent(ours, delta, alpha);
        optimizer.applyGradients({ [stock.name]: delta });
        delta.dispose();
      }
      expect(firstDifference(ours, stock)).toBe(-1);
      optimizer.dispose();
      tf.dispose([ours, stock]);
    }
  });

  it('runs one kernel where the backend registers it, else tfjs SGD`s two; no tensors left', async () => {
    const v = tf.variable(tf.ones([3, 2]));
    const delta = tf.ones([3, 2]);
    const before = tf.memory().numTensors;
    const { kernelNames } = await tf.profile(() => applyGradientDescent(v, delta, 0.5));
    const registered = tf.getKernel(APPLY_GRADIENT_DESCENT, tf.getBackend()) != null;
    if (backend === 'wasm') expect(registered).toBe(true);
    expect(kernelNames).toEqual(registered ? [APPLY_GRADIENT_DESCENT] : ['Multiply', 'Add']);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(v.dataSync())).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    tf.dispose([v, delta]);
  });

  it('leaves a clone of the variable as it was', () => {
    const v = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3])));
    const kept = tf.clone(v);
    const delta = tf.tensor1d([1, 1, 1]);
    applyGradientDescent(v, delta, 1);
    expect(Array.from(kept.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([0, 1, 2]);
    tf.dispose([v, kept, delta]);
  });

  it('rejects deltas of another shape or dtype, non-variables and bad rates, naming the fix', () => {
    const v = tf.variable(tf.zeros([2, 2]));
    const delta = tf.ones([2, 2]);
    const cases: Array<[() => void, RegExp]> = [
      [
        () => applyGradientDescent(v, tf.ones([4]), 0.1),
        /expected delta of the variable's shape \[2,2\], got \[4\]/,
      ],
      [
        () => applyGradientDescent(v, tf.ones([2, 2], 'int32'), 0.1),
        /expected delta a float32 tensor, got a int32 tensor\. Cast it/,
      ],
      [
        () => applyGradientDescent(delta as tf.Variable, delta, 0.1),
        /expected a float32 tf.Variable to update, got a float32 tensor/,
      ],
      [
        () => applyGradientDescent(v, delta, NaN),
        /expected alpha a finite number \(the learning rate\), got NaN/,
      ],
      [
        () => applyGradientDescent(v, delta, '0.1' as unknown as number),
        /got 0.1\. Pass e\.g\. 0\.01/,
      ],
      [() => applyGradientDescent(v, undefined as unknown as tf.Tensor, 0.1), /got undefined/],
    ];
    for (const [call, message] of cases) {
      expect(() => tf.tidy(call)).toThrow(VariableArgumentError);
      expect(() => tf.tidy(call)).toThrow(message);
    }
    expect(Array.from(v.dataSync())).toEqual([0, 0, 0, 0]);
    tf.dispose([v, delta]);
  });
});
