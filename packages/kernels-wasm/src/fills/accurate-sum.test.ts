import { runPython, tfUnavailableReason } from '@tfslim-internal/testing';
import * as tf from '@tensorflow/tfjs-core';
// tfjs's own gradients (for the gradient test): @tfslim/gradients depends on this package.
import '@tensorflow/tfjs';
import { registerWasmKernels } from '../register.js';
import { accurateSumTuning, isAccurateReduction } from './accurate-sum.js';
import { fillMissingKernels } from './fill-missing-kernels.js';
import { runOnCpu, useWasm } from './kernels.test-helpers.js';

/** xorshift32 values in (0, 1) + offset: seeded, and fast enough for tens of millions. */
function seeded(length: number, seed: number, offset = 0): Float32Array {
  let a = seed | 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    a ^= a << 13;
    a ^= a >>> 17;
    a ^= a << 5;
    out[i] = (a >>> 0) * 2.3283064365386963e-10 + offset;
  }
  return out;
}

// References are float64 loops in plain JS over the very float32 values the backend sees.
function sum64(values: ArrayLike<number>, start = 0, end = values.length, step = 1): number {
  let s = 0;
  for (let i = start; i < end; i += step) s += values[i] as number;
  return s;
}

const relErr = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);

/** numTensors and the wasm backend's live data both stay put (no leaked TensorInfo either). */
function expectNoLeak(fn: () => void): void {
  const backend = tf.engine().backend;
  const tensors = tf.memory().numTensors;
  const data = backend.numDataIds();
  fn();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(backend.numDataIds()).toBe(data);
}

beforeAll(async () => {
  await useWasm(); // as selectBackend prepares wasm: the fills, then the SIMD kernels
  registerWasmKernels();
  expect(tf.getBackend()).toBe('wasm');
});

describe('accurate wasm Sum and Mean', () => {
  it('sums 20M ones exactly (the stock kernel stops at 2^24)', () => {
    expectNoLeak(() => {
      const x = tf.ones([20_000_000]);
      const s = tf.sum(x);
      expect(s.dtype).toBe('float32');
      expect(s.shape).toEqual([]);
      expect(s.dataSync()[0]).toBe(20_000_000);
      tf.dispose([x, s]);
    });
  });

  it('sum of squares of 2^22 seeded values is within 1e-6 of a float64 reference', () => {
    const values = seeded(1 << 22, 7, -0.5);
    let want = 0;
    for (const v of values) want += Math.fround(v * v); // tf.square rounds each square to f32
    expectNoLeak(() => {
      const x = tf.tensor1d(values);
      const got = tf.tidy(() => tf.sum(tf.square(x)).dataSync()[0] as number);
      expect(relErr(got, want)).toBeLessThan(1e-6);
      const mean = tf.tidy(() => tf.mean(tf.square(x)).dataSync()[0] as number);
      expect(relErr(mean, want / values.length)).toBeLessThan(1e-6);
      x.dispose();
    });
  });

  it('reduces one axis of [3, 5M] (axis 1) and of its transpose (axis 0), with keepDims', () => {
    const rows = 3;
    const n = 5_000_000;
    const values = seeded(rows * n, 11);
    const want = [0, 1, 2].map((r) => sum64(values, r * n, (r + 1) * n));
    expectNoLeak(() => {
      const x = tf.tensor2d(values, [rows, n]);
      const xt = tf.transpose(x);
      const check = (t: tf.Tensor, shape: number[], scale: number): void => {
        expect(t.shape).toEqual(shape);
        const got = t.dataSync();
        want.forEach((w, r) => expect(relErr(got[r] as number, w / scale)).toBeLessThan(1e-6));
      };
      tf.tidy(() => {
        check(tf.sum(x, 1), [3], 1);
        check(tf.sum(x, -1, true), [3, 1], 1);
        check(tf.sum(xt, 0), [3], 1);
        check(tf.sum(xt, 0, true), [1, 3], 1);
        check(tf.mean(x, 1, true), [3, 1], n);
        check(tf.mean(xt, 0), [3], n);
      });
      tf.dispose([x, xt]);
    });
  });

  it('means a large tensor over all axes against a float64 reference (divides by the true count)', () => {
    // 4099 * 1031 is a product of two primes: the tree pads with zeros.
    const shape = [4099, 1031];
    const values = seeded(shape[0]! * shape[1]!, 3, -0.25);
    const want = sum64(values) / values.length;
    expectNoLeak(() => {
      const x = tf.tensor2d(values, shape as [number, number]);
      const m = tf.mean(x);
      expect(m.shape).toEqual([]);
      expect(relErr(m.dataSync()[0] as number, want)).toBeLessThan(1e-6);
      const mk = tf.mean(x, [0, 1], true);
      expect(mk.shape).toEqual([1, 1]);
      expect(relErr(mk.dataSync()[0] as number, want)).toBeLessThan(1e-6);
      tf.dispose([x, m, mk]);
    });
  });

  it('leaves int32 Sum on the stock path (exact, int32 out); int32 Mean is accurate too', () => {
    expectNoLeak(() => {
      const x = tf.ones([20_000_000], 'int32');
      const s = tf.sum(x);
      expect(s.dtype).toBe('int32');
      expect(s.dataSync()[0]).toBe(20_000_000);
      const r = tf.range(0, 10_000, 1, 'int32');
      const m = tf.mean(r); // the stock kernel gives 4999.29 (float32 one by one)
      expect(m.dtype).toBe('float32');
      expect(relErr(m.dataSync()[0] as number, 4999.5)).toBeLessThan(1e-6);
      const few = tf.tensor1d([1, 2, 4], 'int32');
      const small = tf.mean(few);
      expect(small.dataSync()[0]).toBeCloseTo(7 / 3, 6);
      tf.dispose([x, s, r, m, few, small]);
    });
  });

  it('small reductions give exactly what the cpu backend gives', () => {
    const shape = [4, 5, 6];
    const values = seeded(120, 5);
    for (const axis of [0, 1, 2, [0, 2], [1, 2], [0, 1, 2]]) {
      for (const keepDims of [false, true]) {
        for (const op of ['Sum', 'Mean'] as const) {
          const cpu = runOnCpu(op, { x: { values, shape, dtype: 'float32' } }, { axis, keepDims });
          const x = tf.tensor3d(values, shape as [number, number, number]);
          const out = op === 'Sum' ? tf.sum(x, axis, keepDims) : tf.mean(x, axis, keepDims);
          expect(out.shape).toEqual(cpu.shape);
          const got = out.dataSync();
          cpu.values.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
          tf.dispose([x, out]);
        }
      }
    }
  });

  it('empty inputs: sum is exactly 0 (int32 for int32/bool), mean is NaN as in TensorFlow', () => {
    // Hand-derived: a sum over no values is 0; a mean is 0/0. TF 2.21 gives 0 and NaN (tfjs's
    // cpu backend gives 0 for the mean). The stock wasm kernels returned uninitialised memory.
    const cases: { shape: number[]; axis?: number | number[]; keepDims: boolean; out: number[] }[] =
      [
        { shape: [0], keepDims: false, out: [] },
        { shape: [0], keepDims: true, out: [1] },
        { shape: [0], axis: 0, keepDims: false, out: [] },
        { shape: [0, 3], keepDims: false, out: [] },
        { shape: [0, 3], keepDims: true, out: [1, 1] },
        { shape: [0, 3], axis: 0, keepDims: false, out: [3] },
        { shape: [0, 3], axis: 0, keepDims: true, out: [1, 3] },
        { shape: [0, 3], axis: -1, keepDims: false, out: [0] },
        { shape: [3, 0], axis: 1, keepDims: true, out: [3, 1] },
        { shape: [3, 0], axis: 0, keepDims: true, out: [1, 0] },
        { shape: [2, 0, 4], axis: [1], keepDims: false, out: [2, 4] },
        { shape: [2, 0, 4], axis: [0, 2], keepDims: true, out: [1, 0, 1] },
      ];
    // TensorFlow 2.21 itself, when the venv exists: shapes and values (NaN sent as null).
    const reason = tfUnavailableReason();
    if (reason !== null) console.warn(`TensorFlow check of empty reductions skipped: ${reason}`);
    const fromTf =
      reason === null
        ? runPython<{ shape: number[]; sum: (number | null)[]; mean: (number | null)[] }[]>(
            [
              'import json, sys, math',
              'import tensorflow as tf',
              'out = []',
              'for c in json.load(sys.stdin):',
              "  x = tf.zeros(c['shape'])",
              "  s = tf.reduce_sum(x, c.get('axis'), keepdims=c['keepDims'])",
              "  m = tf.reduce_mean(x, c.get('axis'), keepdims=c['keepDims'])",
              '  f = lambda t: [None if math.isnan(v) else v for v in t.numpy().reshape(-1).tolist()]',
              "  out.append({'shape': list(s.shape), 'sum': f(s), 'mean': f(m)})",
              'print(json.dumps(out))',
            ].join('\n'),
            cases,
          )
        : null;
    cases.forEach(({ out }, i) => {
      if (!fromTf) return;
      const size = out.reduce((a, b) => a * b, 1);
      expect(fromTf[i]).toEqual({
        shape: out,
        sum: new Array<number>(size).fill(0),
        mean: new Array<null>(size).fill(null),
      });
    });
    expectNoLeak(() => {
      for (const { shape, axis, keepDims, out } of cases) {
        for (const dtype of ['float32', 'int32', 'bool'] as const) {
          // Fill the heap where the outputs will land with garbage first.
          tf.dispose(tf.fill([64], 7.5));
          const x = tf.zeros(shape, dtype);
          const s = tf.sum(x, axis, keepDims);
          const m = tf.mean(x, axis, keepDims);
          const size = out.reduce((a, b) => a * b, 1);
          expect(s.shape).toEqual(out);
          expect(m.shape).toEqual(out);
          expect(s.dtype).toBe(dtype === 'float32' ? 'float32' : 'int32');
          expect(m.dtype).toBe('float32');
          expect(Array.from(s.dataSync())).toEqual(new Array<number>(size).fill(0));
          expect(Array.from(m.dataSync())).toEqual(new Array<number>(size).fill(NaN));
          tf.dispose([x, s, m]);
        }
      }
    });
  });

  it('small tuning: every axis combination, padding and several tree levels match float64', () => {
    const saved = { ...accurateSumTuning };
    Object.assign(accurateSumTuning, { threshold: 6, chunk: 4 });
    try {
      // Odd sizes: most reductions need padding and 2-4 tree levels.
      const shape = [3, 37, 11];
      const values = seeded(3 * 37 * 11, 9);
      const at = (i: number, j: number, k: number): number =>
        values[(i * 37 + j) * 11 + k] as number;
      const ref = (axes: number[]): number[] => {
        const keep = [0, 1, 2].filter((a) => !axes.includes(a));
        const outSize = keep.reduce((p, a) => p * shape[a]!, 1);
        const out = new Array<number>(outSize).fill(0);
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 37; j++) {
            for (let k = 0; k < 11; k++) {
              const idx = [i, j, k];
              const o = keep.reduce((p, a) => p * shape[a]! + idx[a]!, 0);
              out[o]! += at(i, j, k);
            }
          }
        }
        return out;
      };
      expectNoLeak(() => {
        const x = tf.tensor3d(values, shape as [number, number, number]);
        for (const axes of [[1], [0, 1], [1, 2], [0, 2], [0, 1, 2], [2, 0]]) {
          const want = ref(axes);
          const count = axes.reduce((p, a) => p * shape[a]!, 1);
          for (const keepDims of [false, true]) {
            const s = tf.sum(x, axes, keepDims);
            const m = tf.mean(x, axes, keepDims);
            const outShape = shape
              .map((d, a) => (axes.includes(a) ? (keepDims ? 1 : 0) : d))
              .filter((d) => d !== 0);
            expect(s.shape).toEqual(outShape);
            expect(m.shape).toEqual(outShape);
            const gs = s.dataSync();
            const gm = m.dataSync();
            want.forEach((w, o) => {
              expect(gs[o]).toBeCloseTo(w, 4);
              expect(gm[o]).toBeCloseTo(w / count, 5);
            });
            tf.dispose([s, m]);
          }
        }
        x.dispose();
      });
    } finally {
      Object.assign(accurateSumTuning, saved);
    }
  });

  it('gradients of sum and mean still work on large tensors', () => {
    expectNoLeak(() => {
      const x = tf.fill([2, 5000], 3);
      const [gSum, gMean] = tf.tidy(() => [
        tf.grad((t: tf.Tensor) => tf.sum(tf.square(t)))(x),
        tf.grad((t: tf.Tensor) => tf.mean(t, 1))(x),
      ]);
      expect(gSum!.shape).toEqual([2, 5000]);
      expect(Array.from(new Set(gSum!.dataSync()))).toEqual([6]);
      expect(gMean!.dataSync()[0]).toBeCloseTo(1 / 5000, 9);
      // and the gradient's own reductions: loss = sum(mean(x)^2) over a large axis
      const g = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.mean(t, 1))))(x));
      expect(g.dataSync()[7]).toBeCloseTo((2 * 3) / 5000, 7);
      tf.dispose([x, gSum!, gMean!, g]);
    });
  });

  it('fillMissingKernels replaces Sum and Mean once (idempotent, never wraps its own wrapper)', () => {
    const sum = tf.getKernel('Sum', 'wasm');
    const mean = tf.getKernel('Mean', 'wasm');
    expect(isAccurateReduction(sum)).toBe(true);
    expect(isAccurateReduction(mean)).toBe(true);
    expect(fillMissingKernels('wasm')).toEqual([]);
    expect(fillMissingKernels('wasm')).toEqual([]);
    expect(tf.getKernel('Sum', 'wasm')).toBe(sum);
    expect(tf.getKernel('Mean', 'wasm')).toBe(mean);
    expect(isAccurateReduction(tf.getKernel('Sum', 'cpu'))).toBe(false);
    expect(fillMissingKernels('cpu')).toEqual([]);
  });
});
