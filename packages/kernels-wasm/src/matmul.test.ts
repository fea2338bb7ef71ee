// The BatchMatMul and _FusedMatMul kernels against the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { maxAbsDiff, rand, refMatMul, use, valuesOn } from '../test/helpers';
import { registerWasmKernels, unregisterWasmKernels } from './index';

beforeAll(async () => {
  await use('wasm');
  registerWasmKernels();
});
afterAll(() => {
  unregisterWasmKernels();
});

function shapeOf(batch: number[], rows: number, cols: number, transposed: boolean): number[] {
  return [...batch, transposed ? cols : rows, transposed ? rows : cols];
}

/** Tolerance for a K-term float32 dot product of values in [-1, 1). */
const tol = (K: number): number => 1e-5 + 3e-7 * K;

// Every size in {1, 3, 5, 31, 33, 257} appears as M, N and K, paired with edge sizes of the
// 4x8 tile and of the 256-deep K block.
const SIZES: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 1],
  [5, 3, 31],
  [31, 33, 5],
  [33, 31, 257],
  [257, 3, 33],
  [1, 257, 5],
  [4, 8, 256],
  [9, 17, 513],
  [33, 257, 1],
];
const TRANSPOSES: Array<[boolean, boolean]> = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe('BatchMatMul on the shared wasm memory', () => {
  describe.each(TRANSPOSES)('transposeA=%s transposeB=%s', (tA, tB) => {
    it.each(SIZES)('M=%i N=%i K=%i matches a float64 reference', (M, N, K) => {
      const aShape = shapeOf([], M, K, tA);
      const bShape = shapeOf([], K, N, tB);
      const a = rand(M * K, M + 7 * K);
      const b = rand(K * N, N + 3 * K);
      const out = tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), tA, tB);
      const ref = refMatMul(a, aShape, b, bShape, tA, tB);
      expect(out.shape).toEqual(ref.shape);
      expect(maxAbsDiff(out.dataSync(), ref.values)).toBeLessThan(tol(K));
      tf.dispose(out);
    });

    it('batch > 1, with broadcasting, matches the reference', () => {
      const cases: Array<[number[], number[]]> = [
        [[3], [3]],
        [[1], [4]],
        [[2, 1], [3]],
        [
          [2, 3],
          [1, 3],
        ],
      ];
      for (const [ba, bb] of cases) {
        const [M, N, K] = [5, 9, 33];
        const aShape = shapeOf(ba, M, K, tA);
        const bShape = shapeOf(bb, K, N, tB);
        const a = rand(
          aShape.reduce((x, y) => x * y, 1),
          11,
        );
        const b = rand(
          bShape.reduce((x, y) => x * y, 1),
          12,
        );
        const out = tf.tidy(() =>
          tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), tA, tB).dataSync(),
        );
        const ref = refMatMul(a, aShape, b, bShape, tA, tB);
        expect(maxAbsDiff(out, ref.values)).toBeLessThan(tol(K));
      }
    });
  });

  it('matches the cpu backend on a large product (blocking over M, N and K)', async () => {
    const a = rand(300 * 600, 5);
    const b = rand(600 * 1100, 6);
    const f = () => tf.matMul(tf.tensor2d(a, [300, 600]), tf.tensor2d(b, [1100, 600]), false, true);
    const ours = await valuesOn('wasm', f);
    const cpu = await valuesOn('cpu', f);
    await use('wasm');
    expect(maxAbsDiff(ours, cpu)).toBeLessThan(tol(600));
  });

  it('handles empty operands like tfjs: zero-size outputs, and zeros when K = 0', () => {
    tf.tidy(() => {
      expect(tf.matMul(tf.zeros([0, 4]), tf.ones([4, 3])).shape).toEqual([0, 3]);
      expect(tf.matMul(tf.ones([2, 4]), tf.ones([4, 0])).shape).toEqual([2, 0]);
      expect(tf.matMul(tf.ones([0, 2, 4]), tf.ones([4, 3])).shape).toEqual([0, 2, 3]);
      const k0 = tf.matMul(tf.ones([2, 0]), tf.ones([0, 3]));
      expect(k0.shape).toEqual([2, 3]);
      expect(Array.from(k0.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    });
  });

  it('propagates NaN and Infinity', () => {
    const out = tf.tidy(() =>
      tf
        .matMul(
          tf.tensor2d([NaN, 1, 1, 1, Infinity, 0], [2, 3]),
          tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 4]),
        )
        .dataSync(),
    );
    expect(Array.from(out.slice(0, 4)).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.slice(4))).toEqual([Infinity, Infinity, Infinity, Infinity]);
  });

  it('rejects mismatched inner dimensions with a message naming the shapes', () => {
    const a = tf.ones([2, 3]);
    const b = tf.ones([4, 5]);
    expect(() =>
      tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false }),
    ).toThrow(/BatchMatMul: expected inner dimensions to match, got 3 .* and 4/);
    tf.dispose([a, b]);
  });

  it('leaves non-float32 inputs to the stock kernel (same behaviour as stock)', () => {
    const a = tf.ones([2, 2], 'int32');
    const b = tf.ones([2, 2], 'int32');
    let ours: unknown;
    try {
      ours = tf.matMul(a, b).dataSync();
    } catch (e) {
      ours = (e as Error).message;
    }
    unregisterWasmKernels();
    let stock: unknown;
    try {
      stock = tf.matMul(a, b).dataSync();
    } catch (e) {
      stock = (e as Error).message;
    }
    registerWasmKernels();
    expect(ours).toEqual(stock);
    tf.dispose([a, b]);
  });
});

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid'] as const;

describe('_FusedMatMul', () => {
  it.each(ACTIVATIONS)('%s with bias matches the cpu backend', async (activation) => {
    const [M, N, K] = [33, 31, 40];
    const a = rand(M * K, 21);
    const b = rand(K * N, 22);
    const bias = rand(N, 23);
    const alpha = rand(N, 24);
    const f = () =>
      tf.fused.matMul({
        a: tf.mul(tf.tensor2d(a, [M, K]), 3),
        b: tf.tensor2d(b, [K, N]),
        bias: tf.tensor1d(bias),
        activation,
        ...(activation === 'prelu' ? { preluActivationWeights: tf.tensor1d(alpha) } : {}),
        ...(activation === 'leakyrelu' ? { leakyreluAlpha: 0.15 } : {}),
      });
    const ours = await valuesOn('wasm', f);
    const cpu = await valuesOn('cpu', f);
    await use('wasm');
    expect(maxAbsDiff(ours, cpu)).toBeLessThan(1e-4);
  });

  it('broadcasts scalar, per-column and full biases and PReLU weights, batched and transposed', async () => {
    const [B, M, N, K] = [2, 5, 9, 7];
    const cases: Array<[number[], number[]]> = [
      [[1], [1]],
      [[N], [1, N]],
      [[M, N], [N]],
      [
        [B, M, N],
        [B, M, N],
      ],
    ];
    for (const [biasShape, preluShape] of cases) {
      const f = () =>
        tf.fused.matMul({
          a: tf.tensor3d(rand(B * M * K, 31), [B, K, M]),
          b: tf.tensor3d(rand(B * K * N, 32), [B, N, K]),
          transposeA: true,
          transposeB: true,
          bias: tf.tensor(
            rand(
              biasShape.reduce((x, y) => x * y, 1),
              33,
            ),
            biasShape,
          ),
          activation: 'prelu',
          preluActivationWeights: tf.tensor(
            rand(
              preluShape.reduce((x, y) => x * y, 1),
              34,
            ),
            preluShape,
          ),
        });
      const ours = await valuesOn('wasm', f);
      const cpu = await valuesOn('cpu', f);
      expect(maxAbsDiff(ours, cpu)).toBeLessThan(1e-5);
    }
    await use('wasm');
  });

  it('sigmoid and elu stay finite and exact at the extremes', () => {
    const out = tf.tidy(() => {
      const a = tf.tensor2d([-1000, -20, 0, 20, 1000, -0.5], [6, 1]);
      const b = tf.tensor2d([1], [1, 1]);
      return [
        tf.fused.matMul({ a, b, activation: 'sigmoid' }).dataSync(),
        tf.fused.matMul({ a, b, activation: 'elu' }).dataSync(),
      ];
    });
    const sig = [
      0,
      1 / (1 + Math.exp(20)),
      0.5,
      1 / (1 + Math.exp(-20)),
      1,
      1 / (1 + Math.exp(0.5)),
    ];
    const elu = [-1, Math.expm1(-20), 0, 20, 1000, Math.expm1(-0.5)];
    expect(maxAbsDiff(out[0]!, sig)).toBeLessThan(1e-7);
    expect(maxAbsDiff(out[1]!, elu)).toBeLessThan(1e-6);
  });
});
