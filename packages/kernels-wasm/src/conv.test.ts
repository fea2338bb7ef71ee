// The Conv2D kernels (plain, Winograd, fused) and their backprops against the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { maxAbsDiff, rand, use, valuesOn } from '../test/helpers';
import { convOptions } from './conv';
import { registerWasmKernels, unregisterWasmKernels } from './index';

beforeAll(async () => {
  await use('wasm');
  registerWasmKernels();
});
afterAll(() => {
  unregisterWasmKernels();
});

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

const FORWARD: Case[] = [
  { x: [1, 5, 5, 1], f: [1, 1, 1, 1], strides: 1, pad: 'valid' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 8], strides: 1, pad: 'same' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 5], strides: 2, pad: 'same' },
  { x: [1, 10, 11, 5], f: [3, 3, 5, 7], strides: 2, pad: 'valid' },
  { x: [2, 8, 8, 4], f: [3, 3, 4, 6], strides: 1, pad: 'same', dilations: 2 },
  { x: [1, 9, 8, 4], f: [3, 2, 4, 9], strides: 1, pad: 'valid', dilations: [2, 1] },
  {
    x: [1, 7, 9, 3],
    f: [2, 3, 3, 5],
    strides: [1, 2],
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [1, 12, 12, 8], f: [5, 5, 8, 33], strides: 3, pad: 2 },
  { x: [3, 6, 6, 33], f: [1, 1, 33, 31], strides: 2, pad: 'valid' },
  { x: [2, 5, 7, 31], f: [1, 1, 31, 257], strides: 1, pad: 'same' },
  { x: [1, 31, 33, 1], f: [3, 3, 1, 1], strides: 1, pad: 'same' },
  { x: [1, 6, 5, 257], f: [3, 3, 257, 3], strides: 1, pad: 'valid' },
];

const label = (c: Case): string =>
  `x ${c.x} f ${c.f} s ${c.strides} pad ${JSON.stringify(c.pad)} d ${c.dilations ?? 1}`;

function outShape(c: Case): number[] {
  return tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, c.dilations ?? 1, c.pad)
    .outShape as number[];
}

describe('Conv2D', () => {
  it.each(FORWARD.map((c) => [label(c), c] as const))(
    '%s matches the cpu backend',
    async (_, c) => {
      const x = rand(size(c.x), 1);
      const w = rand(size(c.f), 2);
      const f = () =>
        tf.conv2d(tf.tensor4d(x, c.x), tf.tensor4d(w, c.f), c.strides, c.pad, 'NHWC', c.dilations);
      const ours = await valuesOn('wasm', f);
      const cpu = await valuesOn('cpu', f);
      await use('wasm');
      expect(maxAbsDiff(ours, cpu)).toBeLessThan(1e-5 + 3e-7 * c.f[0] * c.f[1] * c.f[2]);
    },
  );

  it('handles empty batches and zero channels', () => {
    tf.tidy(() => {
      expect(
        tf.conv2d(
          tf.zeros([0, 5, 5, 3]) as tf.Tensor4D,
          tf.ones([3, 3, 3, 2]) as tf.Tensor4D,
          1,
          'same',
        ).shape,
      ).toEqual([0, 5, 5, 2]);
      expect(
        tf.conv2d(
          tf.ones([1, 5, 5, 3]) as tf.Tensor4D,
          tf.ones([3, 3, 3, 0]) as tf.Tensor4D,
          1,
          'same',
        ).shape,
      ).toEqual([1, 5, 5, 0]);
      const zeroIn = tf.conv2d(
        tf.ones([1, 4, 4, 0]) as tf.Tensor4D,
        tf.ones([3, 3, 0, 2]) as tf.Tensor4D,
        1,
        'same',
      );
      expect(Array.from(zeroIn.dataSync()).every((v) => v === 0)).toBe(true);
    });
  });
});

// 3x3 stride-1 convolutions with channels in whole vectors (>= 16) take the Winograd path; odd
// sizes leave partial 2x2 tiles at the bottom and right edges.
const WINOGRAD: Case[] = [
  { x: [2, 9, 7, 16], f: [3, 3, 16, 20], strides: 1, pad: 'same' },
  { x: [1, 8, 8, 32], f: [3, 3, 32, 16], strides: 1, pad: 'valid' },
  { x: [1, 5, 6, 20], f: [3, 3, 20, 36], strides: 1, pad: 2 },
  {
    x: [1, 7, 5, 16],
    f: [3, 3, 16, 16],
    strides: 1,
    pad: [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [1, 1, 1, 16], f: [3, 3, 16, 16], strides: 1, pad: 'same' },
];

describe('Conv2D, 3x3 stride 1 (Winograd F(2x2, 3x3))', () => {
  it.each(WINOGRAD.map((c) => [label(c), c] as const))(
    '%s matches the cpu backend and the im2col path',
    async (_, c) => {
      const x = rand(size(c.x), 21);
      const w = rand(size(c.f), 22);
      const f = () => tf.conv2d(tf.tensor4d(x, c.x), tf.tensor4d(w, c.f), c.strides, c.pad);
      const winograd = await valuesOn('wasm', f);
      convOptions.winograd = false;
      const im2col = await valuesOn('wasm', f);
      convOptions.winograd = true;
      const cpu = await valuesOn('cpu', f);
      await use('wasm');
      const tol = 1e-5 + 5e-7 * 9 * c.f[2];
      expect(maxAbsDiff(winograd, cpu)).toBeLessThan(tol);
      expect(maxAbsDiff(im2col, cpu)).toBeLessThan(tol);
    },
  );

  it.each(WINOGRAD.map((c) => [label(c), c] as const))(
    '%s input gradient matches the cpu backend',
    async (_, c) => {
      const dyShape = outShape(c) as [number, number, number, number];
      const dy = rand(size(dyShape), 23);
      const w = rand(size(c.f), 24);
      const f = () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(w, c.f) },
            {
              strides: 1,
              pad: c.pad,
              dataFormat: 'NHWC',
              inputShape: c.x,
            } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor;
      const ours = await valuesOn('wasm', f);
      const cpu = await valuesOn('cpu', f);
      await use('wasm');
      expect(maxAbsDiff(ours, cpu)).toBeLessThan(1e-5 + 5e-7 * 9 * c.f[3]);
    },
  );

  it.each(WINOGRAD.map((c) => [label(c), c] as const))(
    '%s filter gradient matches the cpu backend and the im2col path',
    async (_, c) => {
      const dyShape = outShape(c) as [number, number, number, number];
      const dy = rand(size(dyShape), 28);
      const x = rand(size(c.x), 29);
      const f = () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: tf.tensor4d(x, c.x), dy: tf.tensor4d(dy, dyShape) },
            {
              strides: 1,
              pad: c.pad,
              dataFormat: 'NHWC',
              filterShape: c.f,
            } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor;
      const winograd = await valuesOn('wasm', f);
      convOptions.winograd = false;
      const im2col = await valuesOn('wasm', f);
      convOptions.winograd = true;
      const cpu = await valuesOn('cpu', f);
      await use('wasm');
      const tol = 1e-5 + 5e-7 * size(dyShape.slice(0, 3));
      expect(maxAbsDiff(winograd, cpu)).toBeLessThan(tol);
      expect(maxAbsDiff(im2col, cpu)).toBeLessThan(tol);
    },
  );

  it('processes tiles in chunks (4 tiles each) with the same results', async () => {
    const c = WINOGRAD[0]!;
    const dyShape = outShape(c) as [number, number, number, number];
    const x = rand(size(c.x), 30);
    const w = rand(size(c.f), 31);
    const dy = rand(size(dyShape), 32);
    const attrs = { strides: 1, pad: c.pad, dataFormat: 'NHWC' };
    const fns = [
      () => tf.conv2d(tf.tensor4d(x, c.x), tf.tensor4d(w, c.f), 1, c.pad),
      () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(w, c.f) },
            { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor,
      () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: tf.tensor4d(x, c.x), dy: tf.tensor4d(dy, dyShape) },
            { ...attrs, filterShape: c.f } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor,
    ];
    for (const f of fns) {
      const whole = await valuesOn('wasm', f);
      const saved = convOptions.winogradChunkFloats;
      convOptions.winogradChunkFloats = 4 * 16 * (c.f[2] + c.f[3]);
      const chunked = await valuesOn('wasm', f);
      convOptions.winogradChunkFloats = saved;
      expect(maxAbsDiff(chunked, whole)).toBeLessThan(1e-4);
    }
  });

  it('fused bias and relu6 on the Winograd path match the cpu backend', async () => {
    const c = WINOGRAD[0]!;
    const f = () =>
      tf.fused.conv2d({
        x: tf.tensor4d(rand(size(c.x), 25), c.x),
        filter: tf.tensor4d(rand(size(c.f), 26), c.f),
        strides: 1,
        pad: 'same',
        bias: tf.tensor1d(rand(c.f[3], 27)),
        activation: 'relu6',
      });
    const ours = await valuesOn('wasm', f);
    const cpu = await valuesOn('cpu', f);
    await use('wasm');
    expect(maxAbsDiff(ours, cpu)).toBeLessThan(1e-5);
  });
});

describe('FusedConv2D', () => {
  it.each(['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid'] as const)(
    '%s with per-channel bias matches the cpu backend',
    async (activation) => {
      const c = FORWARD[2]!;
      const co = c.f[3];
      const f = () =>
        tf.fused.conv2d({
          x: tf.tensor4d(rand(size(c.x), 3), c.x),
          filter: tf.tensor4d(rand(size(c.f), 4), c.f),
          strides: c.strides,
          pad: c.pad,
          bias: tf.tensor1d(rand(co, 5)),
          activation,
          ...(activation === 'prelu' ? { preluActivationWeights: tf.tensor1d(rand(co, 6)) } : {}),
          ...(activation === 'leakyrelu' ? { leakyreluAlpha: 0.3 } : {}),
        });
      const ours = await valuesOn('wasm', f);
      const cpu = await valuesOn('cpu', f);
      await use('wasm');
      expect(maxAbsDiff(ours, cpu)).toBeLessThan(1e-5);
    },
  );
});

/** Backprop cases: forward geometry plus the dy it implies. */
const BACKPROP: Case[] = [
  { x: [2, 9, 9, 3], f: [3, 3, 3, 8], strides: 1, pad: 'same' },
  { x: [1, 10, 11, 5], f: [3, 3, 5, 7], strides: 1, pad: 'valid' },
  { x: [2, 9, 9, 4], f: [3, 3, 4, 5], strides: 2, pad: 'same' },
  { x: [1, 10, 11, 8], f: [3, 3, 8, 7], strides: 2, pad: 'valid' },
  { x: [1, 13, 12, 3], f: [5, 5, 3, 4], strides: 3, pad: 2 },
  { x: [2, 8, 7, 6], f: [2, 3, 6, 5], strides: [2, 1], pad: 'same' },
  {
    x: [1, 7, 9, 4],
    f: [3, 3, 4, 5],
    strides: 1,
    pad: [
      [0, 0],
      [2, 0],
      [1, 1],
      [0, 0],
    ],
  },
  { x: [3, 6, 6, 33], f: [1, 1, 33, 31], strides: 1, pad: 'valid' },
  { x: [3, 6, 6, 33], f: [1, 1, 33, 31], strides: 2, pad: 'valid' },
  { x: [1, 5, 5, 31], f: [3, 3, 31, 33], strides: 1, pad: 'same' },
];

describe.each(BACKPROP.map((c) => [label(c), c] as const))('%s', (_, c) => {
  const dyShape = outShape(c);
  const x = rand(size(c.x), 7);
  const w = rand(size(c.f), 8);
  const dy = rand(size(dyShape), 9);
  const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' as const };

  it('Conv2DBackpropInput matches the cpu backend', async () => {
    const f = () =>
      tf.engine().runKernel(
        'Conv2DBackpropInput',
        {
          dy: tf.tensor4d(dy, dyShape as [number, number, number, number]),
          filter: tf.tensor4d(w, c.f),
        },
        { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
    const ours = await valuesOn('wasm', f);
    const cpu = await valuesOn('cpu', f);
    await use('wasm');
    expect(maxAbsDiff(ours, cpu)).toBeLessThan(1e-5 + 3e-7 * c.f[0] * c.f[1] * c.f[3]);
  });

  it('Conv2DBackpropFilter matches the cpu backend', async () => {
    const f = () =>
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        {
          x: tf.tensor4d(x, c.x),
          dy: tf.tensor4d(dy, dyShape as [number, number, number, number]),
        },
        { ...attrs, filterShape: c.f } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
    const ours = await valuesOn('wasm', f);
    const cpu = await valuesOn('cpu', f);
    await use('wasm');
    expect(maxAbsDiff(ours, cpu)).toBeLessThan(1e-5 + 3e-7 * size(dyShape.slice(0, 3)));
  });
});

describe('conv backprops with empty tensors', () => {
  it('return zero-size or all-zero gradients', () => {
    tf.tidy(() => {
      const dx = tf
        .engine()
        .runKernel(
          'Conv2DBackpropInput',
          { dy: tf.zeros([0, 5, 5, 2]), filter: tf.ones([3, 3, 3, 2]) },
          {
            strides: 1,
            pad: 'same',
            dataFormat: 'NHWC',
            inputShape: [0, 5, 5, 3],
          } as unknown as tf.NamedAttrMap,
        ) as tf.Tensor;
      expect(dx.shape).toEqual([0, 5, 5, 3]);
      const dw = tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x: tf.zeros([0, 5, 5, 3]), dy: tf.zeros([0, 5, 5, 2]) },
          {
            strides: 1,
            pad: 'same',
            dataFormat: 'NHWC',
            filterShape: [3, 3, 3, 2],
          } as unknown as tf.NamedAttrMap,
        ) as tf.Tensor;
      expect(dw.shape).toEqual([3, 3, 3, 2]);
      expect(Array.from(dw.dataSync()).every((v) => v === 0)).toBe(true);
    });
  });
});
