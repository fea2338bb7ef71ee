import * as tf from '@tensorflow/tfjs-core';
import { KernelInputError } from '../errors.js';
import { patchBudget } from './conv2d-backprop-filter.js';
import {
  COMMON_CASES,
  type ConvCase,
  conv2dFilterGradRef,
  geometry,
  host,
  label,
  relativeError,
  runOnActive,
  runOnCpu,
  STRIDED_CASES,
  useWasm,
} from './kernels.test-helpers.js';

beforeAll(useWasm);

const CASES: ConvCase[] = [
  ...COMMON_CASES,
  { x: [1, 7, 5, 1], k: [5, 5], strides: [2, 1], dilations: [1, 1], pad: 'valid' },
  { x: [3, 7, 5, 8], k: [1, 1], strides: [1, 1], dilations: [1, 1], pad: 'valid' },
  ...STRIDED_CASES,
  {
    x: [1, 6, 7, 8],
    k: [3, 2],
    strides: [1, 1],
    dilations: [1, 1],
    pad: [
      [0, 0],
      [0, 3],
      [1, 1],
      [0, 0],
    ],
  },
];
// tfjs 4.22's Conv2DBackpropFilter has no dilations attribute (its cpu kernel assumes 1); the
// filled kernel honours one, checked against the reference only.
const DILATED: ConvCase[] = [
  { x: [2, 9, 7, 3], k: [3, 3], strides: [1, 1], dilations: [2, 2], pad: 'same' },
  { x: [1, 9, 7, 8], k: [3, 3], strides: [1, 1], dilations: [2, 1], pad: 'valid' },
];

function run(c: ConvCase, co: number, seed: number, dataFormat: 'NHWC' = 'NHWC') {
  const { outH, outW } = geometry(c);
  const x = host(c.x, seed);
  const dy = host([c.x[0] as number, outH, outW, co], seed + 1);
  const filterShape = [c.k[0], c.k[1], c.x[3] as number, co];
  const attrs = { strides: c.strides, pad: c.pad, dataFormat, filterShape };
  return { x, dy, attrs, filterShape };
}

describe('Conv2DBackpropFilter on wasm', () => {
  it.each(CASES.map((c, i) => [label(c), c, i] as const))(
    '%s matches the cpu kernel and the definition',
    (_name, c, i) => {
      for (const co of [1, 4]) {
        const { x, dy, attrs, filterShape } = run(c, co, 10 * i + co);
        const wasm = runOnActive('Conv2DBackpropFilter', { x, dy }, attrs);
        const cpu = runOnCpu('Conv2DBackpropFilter', { x, dy }, attrs);
        expect(wasm.shape).toEqual(filterShape);
        expect(cpu.shape).toEqual(filterShape);
        expect(relativeError(wasm.values, cpu.values)).toBeLessThan(1e-5);
        expect(relativeError(wasm.values, conv2dFilterGradRef(c, x, dy))).toBeLessThan(1e-5);
      }
    },
  );

  it.each(DILATED.map((c) => [label(c), c] as const))(
    '%s (dilations attr) matches the definition',
    (_name, c) => {
      const { x, dy, attrs, filterShape } = run(c, 3, 7);
      const wasm = runOnActive(
        'Conv2DBackpropFilter',
        { x, dy },
        { ...attrs, dilations: c.dilations },
      );
      expect(wasm.shape).toEqual(filterShape);
      expect(relativeError(wasm.values, conv2dFilterGradRef(c, x, dy))).toBeLessThan(1e-5);
    },
  );

  it('handles NCHW like the cpu kernel', () => {
    const c: ConvCase = {
      x: [2, 7, 5, 3],
      k: [3, 3],
      strides: [2, 2],
      dilations: [1, 1],
      pad: 'same',
    };
    const { x, dy, attrs } = run(c, 4, 99);
    const nchw = (a: typeof x) => {
      const t = tf.tidy(() => tf.transpose(tf.tensor(a.values, a.shape), [0, 3, 1, 2]));
      const out = {
        values: t.dataSync() as Float32Array,
        shape: t.shape,
        dtype: 'float32' as const,
      };
      t.dispose();
      return out;
    };
    const args = [
      { x: nchw(x), dy: nchw(dy) },
      { ...attrs, dataFormat: 'NCHW' },
    ] as const;
    const wasm = runOnActive('Conv2DBackpropFilter', ...args);
    const cpu = runOnCpu('Conv2DBackpropFilter', ...args);
    expect(relativeError(wasm.values, cpu.values)).toBeLessThan(1e-5);
    expect(relativeError(wasm.values, conv2dFilterGradRef(c, x, dy))).toBeLessThan(1e-5);
  });

  it('splits large problems into tap groups with the same result', () => {
    const c: ConvCase = {
      x: [2, 7, 5, 3],
      k: [3, 3],
      strides: [1, 1],
      dilations: [1, 1],
      pad: 'same',
    };
    const { x, dy, attrs } = run(c, 5, 3);
    const whole = runOnActive('Conv2DBackpropFilter', { x, dy }, attrs);
    const saved = patchBudget.elements;
    try {
      patchBudget.elements = 2 * 3 * 2 * 7 * 5; // two taps per group: 5 groups
      const split = runOnActive('Conv2DBackpropFilter', { x, dy }, attrs);
      patchBudget.elements = 1; // one tap per group
      const single = runOnActive('Conv2DBackpropFilter', { x, dy }, attrs);
      expect(relativeError(split.values, whole.values)).toBeLessThan(1e-6);
      expect(relativeError(single.values, whole.values)).toBeLessThan(1e-6);
    } finally {
      patchBudget.elements = saved;
    }
  });

  it('leaves no cached matmul operator keyed on dy (a later matmul on a reshaped dy is right)', () => {
    const dy = tf.tensor4d(
      Float32Array.from({ length: 96 }, (_, i) => (i % 7) - 3),
      [1, 4, 4, 6],
    );
    const x = tf.ones([1, 4, 4, 2]);
    tf.dispose(
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        {
          strides: 1,
          pad: 'same',
          dataFormat: 'NHWC',
          filterShape: [3, 3, 2, 6],
        },
      ) as tf.Tensor,
    );
    // The wasm BatchMatMul caches by the id of b's data, whatever its shape.
    const a = tf.ones([1, 2, 8]);
    const product = tf.matMul(a, tf.reshape(dy, [1, 8, 12]));
    const expected = Array.from({ length: 12 }, (_, j) => {
      let sum = 0;
      for (let k = 0; k < 8; k++) sum += ((k * 12 + j) % 7) - 3;
      return sum;
    });
    expect(Array.from(product.dataSync())).toEqual([...expected, ...expected]);
    tf.dispose([dy, x, a, product]);
  });

  it('returns zeros for an empty batch and keeps int32 inputs working', () => {
    const empty = runOnActive(
      'Conv2DBackpropFilter',
      { x: host([0, 4, 4, 2], 1), dy: host([0, 4, 4, 3], 2) },
      { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] },
    );
    expect(empty.shape).toEqual([3, 3, 2, 3]);
    expect(Array.from(empty.values).every((v) => v === 0)).toBe(true);
    const ints = (shape: number[]) => ({
      values: Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 5) - 2),
      shape,
      dtype: 'int32' as const,
    });
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [2, 2, 2, 1] };
    const wasm = runOnActive(
      'Conv2DBackpropFilter',
      { x: ints([1, 3, 3, 2]), dy: ints([1, 2, 2, 1]) },
      attrs,
    );
    const cpu = runOnCpu(
      'Conv2DBackpropFilter',
      { x: ints([1, 3, 3, 2]), dy: ints([1, 2, 2, 1]) },
      attrs,
    );
    expect(Array.from(wasm.values)).toEqual(Array.from(cpu.values));
  });

  it('rejects a dy that does not match x, strides and pad, naming both shapes', () => {
    const x = tf.zeros([1, 5, 5, 2]);
    const dy = tf.zeros([1, 5, 5, 3]);
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] };
    const before = tf.memory().numTensors;
    const run = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs);
    expect(run).toThrow(
      'Conv2DBackpropFilter: expected dy of shape [1, 3, 3, 3] (the conv output for x and filterShape), got [1, 5, 5, 3]',
    );
    expect(run).toThrow(KernelInputError);
    expect(run).toThrow(
      expect.objectContaining({ name: 'KernelInputError', code: 'KERNEL_INPUT' }),
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dy]);
  });
});
