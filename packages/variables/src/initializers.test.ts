// The initializers: TF's fans, distributions and argument errors, on every backend.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  computeFans,
  constantInitializer,
  glorotUniformInitializer,
  onesInitializer,
  randomNormalInitializer,
  randomUniformInitializer,
  truncatedNormalInitializer,
  varianceScalingInitializer,
  xavierInitializer,
  zerosInitializer,
} from './index.js';
import { testBackends } from '@tfslim-internal/testing';

function stats(values: Float32Array | Int32Array | Uint8Array) {
  const n = values.length;
  let sum = 0;
  let max = -Infinity;
  let min = Infinity;
  for (const v of values) {
    sum += v;
    max = Math.max(max, v);
    min = Math.min(min, v);
  }
  const mean = sum / n;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / n), max, min };
}

function draw(init: (s: readonly number[], d: tf.DataType) => tf.Tensor, shape: number[]) {
  const t = init(shape, 'float32');
  const values = t.dataSync();
  expect(t.shape).toEqual(shape);
  t.dispose();
  return values;
}

it('computeFans follows TF: [..., in, out], spatial dims multiply both', () => {
  expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
  expect(computeFans([5])).toEqual({ fanIn: 5, fanOut: 5 });
  expect(computeFans([4, 6])).toEqual({ fanIn: 4, fanOut: 6 });
  expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
});

describe.each(testBackends())('initializers on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it('zeros, ones, constant (number and row-major array)', () => {
    expect(Array.from(draw(zerosInitializer(), [2, 2]))).toEqual([0, 0, 0, 0]);
    expect(Array.from(draw(onesInitializer(), [3]))).toEqual([1, 1, 1]);
    expect(Array.from(draw(constantInitializer(0.5), [2]))).toEqual([0.5, 0.5]);
    expect(
      Array.from(
        draw(
          constantInitializer([
            [1, 2],
            [3, 4],
          ]),
          [4, 1],
        ),
      ),
    ).toEqual([1, 2, 3, 4]);
    expect(() => constantInitializer([1, 2, 3])([2, 2], 'float32')).toThrow(
      /constantInitializer: expected 4 values for shape \[2,2\], got 3/,
    );
    const i = zerosInitializer()([2], 'int32');
    expect(i.dtype).toBe('int32');
    i.dispose();
  });

  it('xavier (glorot uniform): uniform in ±sqrt(6/(fan_in+fan_out))', () => {
    const shape = [3, 3, 16, 32];
    const limit = Math.sqrt(6 / (144 + 288));
    const s = stats(draw(xavierInitializer({ seed: 1 }), shape));
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeGreaterThan(0.95 * limit);
    expect(Math.abs(s.mean)).toBeLessThan(0.01);
    // uniform(-a, a) has standard deviation a/sqrt(3)
    expect(s.std).toBeCloseTo(limit / Math.sqrt(3), 2);
    expect(Array.from(draw(glorotUniformInitializer({ seed: 1 }), shape))).toEqual(
      Array.from(draw(xavierInitializer({ seed: 1 }), shape)),
    );
  });

  it('variance scaling default (He, truncated normal): stddev sqrt(1.3*2/fan_in), cut at 2 sigma', () => {
    const shape = [3, 3, 64, 64];
    const sigma = Math.sqrt((1.3 * 2) / 576);
    const s = stats(draw(varianceScalingInitializer({ seed: 7 }), shape));
    expect(s.max).toBeLessThanOrEqual(2 * sigma + 1e-6);
    expect(s.min).toBeGreaterThanOrEqual(-2 * sigma - 1e-6);
    // a normal truncated at ±2σ keeps 0.8796σ of standard deviation; the 1.3 compensates,
    // so the drawn values have a standard deviation close to sqrt(factor / n).
    expect(s.std / Math.sqrt(2 / 576)).toBeGreaterThan(0.95);
    expect(s.std / Math.sqrt(2 / 576)).toBeLessThan(1.05);
    const u = stats(
      draw(varianceScalingInitializer({ mode: 'FAN_OUT', uniform: true, factor: 1 }), [100, 50]),
    );
    expect(u.max).toBeLessThanOrEqual(Math.sqrt(3 / 50));
    expect(() => varianceScalingInitializer({ mode: 'fan_in' as never })).toThrow(
      /FAN_IN, FAN_OUT, FAN_AVG, got 'fan_in'/,
    );
  });

  it('truncated normal, normal and uniform respect their parameters; seeds repeat', () => {
    const t = stats(draw(truncatedNormalInitializer({ mean: 3, stddev: 0.5, seed: 2 }), [4000]));
    expect(t.min).toBeGreaterThanOrEqual(2 - 1e-6);
    expect(t.max).toBeLessThanOrEqual(4 + 1e-6);
    expect(t.mean).toBeCloseTo(3, 1);
    const n = stats(draw(randomNormalInitializer({ stddev: 2, seed: 3 }), [4000]));
    expect(n.std).toBeGreaterThan(1.85);
    expect(n.std).toBeLessThan(2.15);
    const u = stats(draw(randomUniformInitializer({ minval: 1, maxval: 2 }), [1000]));
    expect(u.min).toBeGreaterThanOrEqual(1);
    expect(u.max).toBeLessThan(2);
    expect(Array.from(draw(truncatedNormalInitializer({ seed: 5 }), [10]))).toEqual(
      Array.from(draw(truncatedNormalInitializer({ seed: 5 }), [10])),
    );
  });

  it('rejects bad parameters', () => {
    expect(() => truncatedNormalInitializer({ stddev: 0 })).toThrow(/stddev > 0, got 0/);
    expect(() => randomUniformInitializer({ minval: 1, maxval: 1 })).toThrow(/maxval > minval/);
    expect(() => xavierInitializer()([2, 2], 'int32')).toThrow(
      /float32 variable for a random initializer, got int32/,
    );
    expect(() => randomNormalInitializer({ mean: NaN })).toThrow(/finite number, got NaN/);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    for (const init of [
      xavierInitializer(),
      varianceScalingInitializer(),
      constantInitializer([1, 2]),
    ]) {
      tf.dispose(init([2], 'float32'));
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
