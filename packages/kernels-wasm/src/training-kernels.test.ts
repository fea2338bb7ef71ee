// ReluGrad and ApplyGradientDescent on wasm: the stock formulas' float32 bits, in place when unshared.
import * as tf from '@tensorflow/tfjs-core';
import { dataIdOf, rand, useWasmKernels } from '../test/helpers';
import { KernelInputError } from './index';
import { applyGradientDescentPortable, reluGradPortable } from './elementwise';
import { servedCounts } from './register';
import type { WasmBackend } from './wasm-backend';

useWasmKernels();

/** Random values in [-1, 1) with zeros, negative zeros, NaN and infinities mixed in. */
function values(n: number, seed: number): Float32Array {
  const specials = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 3e38];
  const out = rand(n, seed);
  for (let i = seed % 3; i < n; i += 3) out[i] = specials[(i + seed) % specials.length]!;
  return out;
}

/** Equal float32 bits, any NaN matching any NaN (wasm does not fix NaN payloads). */
function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(Float32Array.from(actual).buffer);
  const e = new Uint32Array(Float32Array.from(expected).buffer);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(expected[i]) && Number.isNaN(actual[i])) continue;
    if (a[i] !== e[i]) {
      throw new Error(
        `value ${i}: got ${actual[i]} (0x${a[i]!.toString(16)}), expected ${expected[i]} (0x${e[i]!.toString(16)})`,
      );
    }
  }
}

const SIZES = [1, 3, 4, 5, 7, 16, 33, 1031];

function runReluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel('ReluGrad', { dy, y }, {}) as tf.Tensor;
}

function runDescent<R extends tf.Rank>(
  variable: tf.Tensor<R>,
  delta: tf.Tensor,
  alpha: number,
): tf.Tensor<R> {
  return tf
    .engine()
    .runKernel('ApplyGradientDescent', { variable, delta }, { alpha }) as tf.Tensor<R>;
}

describe('ReluGrad on wasm', () => {
  it.each(SIZES)('equals dy * cast(y > 0) bit for bit (%i values)', (n) => {
    const before = tf.memory().numTensors;
    const [dy, y] = [tf.tensor1d(values(n, n)), tf.tensor1d(values(n, n + 1))];
    servedCounts.ours.clear();
    const ours = tf.tidy(() => runReluGrad(dy, y).dataSync());
    expect(servedCounts.ours.get('ReluGrad')).toBe(1);
    const stock = tf.tidy(() => tf.mul(dy, tf.cast(tf.greater(y, 0), 'float32')).dataSync());
    expectSameBits(ours, stock);
    tf.dispose([dy, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps a NaN or infinite dy as NaN where the mask is 0, and signs of zero', () => {
    const dy = tf.tensor1d([NaN, NaN, Infinity, -2, 2, -0]);
    const y = tf.tensor1d([1, -1, 0, 0, -0, 5]);
    const out = runReluGrad(dy, y);
    expectSameBits(out.dataSync(), [NaN, NaN, NaN, -0, 0, -0]);
    tf.dispose([dy, y, out]);
  });

  it('keeps the shape, and rejects inputs of other shapes or dtypes', () => {
    const dy = tf.ones([2, 3]);
    const out = runReluGrad(dy, tf.ones([2, 3]));
    expect(out.shape).toEqual([2, 3]);
    expect(() => runReluGrad(dy, tf.ones([3, 2]))).toThrow(KernelInputError);
    expect(() => runReluGrad(dy, tf.ones([2, 3], 'int32'))).toThrow(
      /expected float32 dy and y, got float32 and int32/,
    );
    tf.dispose([dy, out]);
  });
});

/** tfjs SGD's update of `v` by `delta`: add(mul(scalar(-alpha), delta), v). */
function stockDescent(v: tf.Tensor, delta: tf.Tensor, alpha: number): Float32Array {
  return tf.tidy(() => tf.add(tf.mul(tf.scalar(-alpha), delta), v).dataSync() as Float32Array);
}

describe('ApplyGradientDescent on wasm', () => {
  it.each(SIZES)('equals tfjs SGD bit for bit (%i values)', (n) => {
    for (const alpha of [0.01, 0.1, 1, 3.3e-7]) {
      const v = tf.tidy(() => tf.variable(tf.tensor1d(values(n, 2 * n))));
      const delta = tf.tensor1d(values(n, 2 * n + 1));
      const expected = stockDescent(v, delta, alpha);
      const out = runDescent(v, delta, alpha);
      v.assign(out);
      expectSameBits(v.dataSync(), expected);
      tf.dispose([v, delta, out]);
    }
  });

  it('writes into the variable when no other tensor shares its data', () => {
    // Made in a tidy: a variable shares its initial tensor's data while that tensor lives.
    const v = tf.tidy(() => tf.variable(tf.tensor2d([1, 2, 3, 4, 5], [1, 5])));
    const delta = tf.tensor2d([10, 20, 30, 40, 50], [1, 5]);
    const before = tf.memory();
    for (let step = 0; step < 3; step++) {
      const out = runDescent(v, delta, 0.5);
      expect(dataIdOf(out)).toBe(dataIdOf(v));
      expect(out.shape).toEqual([1, 5]);
      v.assign(out);
      out.dispose();
    }
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(Array.from(v.dataSync())).toEqual([-14, -28, -42, -56, -70]);
    tf.dispose([v, delta]);
  });

  it('writes a fresh tensor when a clone shares the data, and the clone keeps the old values', () => {
    const v = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3])));
    const kept = tf.clone(v);
    expect(dataIdOf(kept)).toBe(dataIdOf(v)); // our Identity shares the memory
    const delta = tf.tensor1d([1, 1, 1]);
    const out = runDescent(v, delta, 1);
    expect(dataIdOf(out)).not.toBe(dataIdOf(v));
    v.assign(out);
    out.dispose();
    expect(Array.from(v.dataSync())).toEqual([0, 1, 2]);
    expect(Array.from(kept.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([v, kept, delta]);
  });

  it('frees the old value when the update is written elsewhere', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const delta = tf.tensor1d([1, 1, 1]);
    const before = tf.memory();
    const kept = tf.clone(v);
    tf.tidy(() => v.assign(runDescent(v, delta, 1)));
    kept.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    tf.dispose([v, delta]);
  });

  it('rejects other shapes, dtypes and a missing alpha', () => {
    const v = tf.variable(tf.ones([2, 2]));
    const bad = [
      () => runDescent(v, tf.ones([4]), 0.1),
      () => runDescent(v, tf.ones([2, 2], 'int32'), 0.1),
      () => tf.engine().runKernel('ApplyGradientDescent', { variable: v, delta: v }, {}),
    ];
    for (const call of bad) expect(() => tf.tidy(call)).toThrow(KernelInputError);
    v.dispose();
  });
});

describe('the plain-JS versions (served while the SIMD module compiles)', () => {
  const backend = () => tf.backend() as unknown as WasmBackend;
  const info = (t: tf.Tensor) => t as unknown as tf.TensorInfo;

  it.each(SIZES)('give the same bits as the formulas (%i values)', (n) => {
    const [a, b] = [tf.tensor1d(values(n, 3 * n)), tf.tensor1d(values(n, 3 * n + 1))];
    const relu = tf.engine().makeTensorFromTensorInfo(
      reluGradPortable(backend(), {
        inputs: { dy: info(a), y: info(b) },
        backend: tf.backend(),
        attrs: {},
      }),
    );
    expectSameBits(
      relu.dataSync(),
      tf.tidy(() => tf.mul(a, tf.cast(tf.greater(b, 0), 'float32')).dataSync()),
    );
    const expected = stockDescent(b, a, 0.01);
    const kept = tf.clone(b); // shared: a fresh output
    const step = tf.engine().makeTensorFromTensorInfo(
      applyGradientDescentPortable(backend(), {
        inputs: { variable: info(b), delta: info(a) },
        backend: tf.backend(),
        attrs: { alpha: 0.01 },
      }),
    );
    expectSameBits(step.dataSync(), expected);
    tf.dispose([a, b, kept, relu, step]);
  });
});
