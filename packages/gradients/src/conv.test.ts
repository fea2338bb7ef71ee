import * as tf from '@tensorflow/tfjs-core';
import { conv3dFilterGrad, conv3dInputGrad, convGradients } from './conv.js';
import { describeGradients, distinct, uniform, type GradCase } from './gradcheck.test-helpers.js';

type Pad = 'same' | 'valid';

function conv2dCase(
  stride: number,
  pad: Pad,
  dilation: number,
  xShape: [number, number, number, number],
  fShape: [number, number, number, number],
  seed: number,
): GradCase {
  return {
    name: `Conv2D x[${xShape}] f[${fShape}] stride ${stride} ${pad} dilation ${dilation}`,
    kernel: 'Conv2D',
    needsFor: { 0: ['Conv2DBackpropInput'], 1: ['Conv2DBackpropFilter'] },
    f: (x, w) => tf.conv2d(x! as tf.Tensor4D, w! as tf.Tensor4D, stride, pad, 'NHWC', dilation),
    xs: () => [uniform(xShape, seed), uniform(fShape, seed + 1)],
  };
}

function depthwiseCase(
  stride: number,
  pad: Pad,
  dilation: number,
  xShape: [number, number, number, number],
  fShape: [number, number, number, number],
  seed: number,
): GradCase {
  return {
    name: `DepthwiseConv2dNative x[${xShape}] f[${fShape}] stride ${stride} ${pad} dilation ${dilation}`,
    kernel: 'DepthwiseConv2dNative',
    needsFor: {
      0: ['DepthwiseConv2dNativeBackpropInput'],
      1: ['DepthwiseConv2dNativeBackpropFilter'],
    },
    f: (x, w) =>
      tf.depthwiseConv2d(x! as tf.Tensor4D, w! as tf.Tensor4D, stride, pad, 'NHWC', dilation),
    xs: () => [uniform(xShape, seed), uniform(fShape, seed + 1)],
  };
}

const cases: GradCase[] = [
  conv2dCase(1, 'same', 1, [2, 5, 5, 3], [3, 3, 3, 2], 1),
  conv2dCase(1, 'valid', 1, [1, 5, 6, 2], [3, 2, 2, 3], 3),
  conv2dCase(2, 'same', 1, [2, 5, 5, 2], [3, 3, 2, 2], 5),
  conv2dCase(2, 'valid', 1, [1, 7, 6, 2], [3, 3, 2, 3], 7),
  conv2dCase(1, 'same', 2, [1, 6, 6, 2], [3, 3, 2, 2], 9),
  conv2dCase(1, 'valid', 2, [1, 7, 6, 2], [2, 3, 2, 2], 11),
  {
    name: 'Conv2D with explicit padding',
    kernel: 'Conv2D',
    needsFor: { 0: ['Conv2DBackpropInput'], 1: ['Conv2DBackpropFilter'] },
    f: (x, w) =>
      tf.conv2d(x! as tf.Tensor4D, w! as tf.Tensor4D, 1, [
        [0, 0],
        [1, 0],
        [0, 2],
        [0, 0],
      ]),
    xs: () => [uniform([1, 4, 4, 2], 13), uniform([2, 3, 2, 2], 14)],
  },
  {
    name: 'Conv2D NCHW stride 2 same',
    kernel: 'Conv2D',
    needsFor: { 0: ['Conv2DBackpropInput'], 1: ['Conv2DBackpropFilter'] },
    f: (x, w) => tf.conv2d(x! as tf.Tensor4D, w! as tf.Tensor4D, 2, 'same', 'NCHW'),
    xs: () => [uniform([2, 2, 5, 4], 50), uniform([3, 2, 2, 3], 51)],
  },
  {
    name: 'Conv2DBackpropInput (conv2dTranspose) stride 2 same',
    kernel: 'Conv2DBackpropInput',
    needsFor: { 0: ['Conv2D'], 1: ['Conv2DBackpropFilter'] },
    f: (dy, w) =>
      tf.conv2dTranspose(dy! as tf.Tensor4D, w! as tf.Tensor4D, [1, 6, 6, 2], 2, 'same'),
    xs: () => [uniform([1, 3, 3, 3], 15), uniform([3, 3, 2, 3], 16)],
  },
  {
    name: 'Conv2DBackpropInput (conv2dTranspose) stride 1 valid',
    kernel: 'Conv2DBackpropInput',
    needsFor: { 0: ['Conv2D'], 1: ['Conv2DBackpropFilter'] },
    f: (dy, w) =>
      tf.conv2dTranspose(dy! as tf.Tensor4D, w! as tf.Tensor4D, [2, 5, 5, 2], 1, 'valid'),
    xs: () => [uniform([2, 3, 3, 2], 17), uniform([3, 3, 2, 2], 18)],
  },
  depthwiseCase(1, 'same', 1, [2, 5, 5, 2], [3, 3, 2, 1], 20),
  depthwiseCase(2, 'valid', 1, [1, 7, 6, 2], [3, 3, 2, 2], 22),
  depthwiseCase(2, 'same', 1, [1, 6, 6, 3], [3, 3, 3, 1], 24),
  depthwiseCase(1, 'same', 2, [1, 6, 6, 2], [3, 3, 2, 2], 26),
  depthwiseCase(1, 'valid', 2, [1, 7, 7, 1], [2, 2, 1, 2], 28),
  {
    name: 'Conv3D stride 1 same',
    kernel: 'Conv3D',
    needs: ['Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2'],
    f: (x, w) => tf.conv3d(x! as tf.Tensor5D, w! as tf.Tensor5D, 1, 'same'),
    xs: () => [uniform([1, 4, 4, 3, 2], 30), uniform([2, 3, 2, 2, 2], 31)],
  },
  {
    name: 'Conv3D stride 2 valid',
    kernel: 'Conv3D',
    needs: ['Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2'],
    f: (x, w) => tf.conv3d(x! as tf.Tensor5D, w! as tf.Tensor5D, 2, 'valid'),
    xs: () => [uniform([2, 5, 5, 4, 1], 32), uniform([3, 3, 2, 1, 2], 33)],
  },
  {
    name: 'Conv3D dilation 2 same',
    kernel: 'Conv3D',
    needs: ['Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2'],
    f: (x, w) => tf.conv3d(x! as tf.Tensor5D, w! as tf.Tensor5D, 1, 'same', 'NDHWC', 2),
    xs: () => [uniform([1, 5, 4, 4, 1], 34), uniform([2, 2, 2, 1, 2], 35)],
  },
  {
    // max-plus morphology: distinct values keep the maxima apart
    name: 'Dilation2D stride 1 same',
    kernel: 'Dilation2D',
    needs: ['Dilation2DBackpropInput', 'Dilation2DBackpropFilter'],
    f: (x, w) => tf.dilation2d(x! as tf.Tensor4D, w! as tf.Tensor3D, 1, 'same'),
    xs: () => [distinct([1, 4, 4, 2], 36, 0.07), distinct([2, 2, 2], 37, 0.11)],
    options: { eps: 2e-3 },
  },
  {
    name: 'Dilation2D stride 2 valid dilation 1',
    kernel: 'Dilation2D',
    needs: ['Dilation2DBackpropInput', 'Dilation2DBackpropFilter'],
    f: (x, w) => tf.dilation2d(x! as tf.Tensor4D, w! as tf.Tensor3D, 2, 'valid'),
    xs: () => [distinct([1, 5, 5, 1], 38, 0.07), distinct([3, 3, 1], 39, 0.11)],
    options: { eps: 2e-3 },
  },
  {
    name: 'Dilation2D stride 1 same, positive inputs',
    kernel: 'Dilation2D',
    needs: ['Dilation2DBackpropInput', 'Dilation2DBackpropFilter'],
    f: (x, w) => tf.dilation2d(x! as tf.Tensor4D, w! as tf.Tensor3D, 1, 'same'),
    xs: () => [distinct([1, 4, 4, 2], 40, 0.07, 0.5), distinct([2, 2, 2], 41, 0.11, 0.1)],
    options: { eps: 2e-3 },
  },
];

/**
 * dx and dw of a 3D conv (no dilation) by the definition: for every o * s - pad + k = i,
 * dx[i] += dy[o] w[k] and dw[k] += x[i] dy[o].
 */
function conv3dGradsByHand(
  x: Float32Array,
  dy: Float32Array,
  w: Float32Array,
  xShape: readonly number[],
  fShape: readonly number[],
  stride: number,
  pad: 'same' | 'valid',
): { dx: Float64Array; dw: Float64Array } {
  const [b, ...rest] = xShape as [number, number, number, number, number];
  const n = rest.slice(0, 3);
  const ci = rest[3]!;
  const f = fShape.slice(0, 3);
  const co = fShape[4]!;
  const out = n.map((ni, a) =>
    pad === 'same' ? Math.ceil(ni / stride) : Math.ceil((ni - f[a]! + 1) / stride),
  );
  const before = n.map((ni, a) =>
    pad === 'same' ? Math.floor(Math.max((out[a]! - 1) * stride + f[a]! - ni, 0) / 2) : 0,
  );
  const dx = new Float64Array(b * n[0]! * n[1]! * n[2]! * ci);
  const dw = new Float64Array(w.length);
  for (let bi = 0; bi < b; bi++)
    for (let o0 = 0; o0 < out[0]!; o0++)
      for (let o1 = 0; o1 < out[1]!; o1++)
        for (let o2 = 0; o2 < out[2]!; o2++)
          for (let k0 = 0; k0 < f[0]!; k0++)
            for (let k1 = 0; k1 < f[1]!; k1++)
              for (let k2 = 0; k2 < f[2]!; k2++) {
                const i0 = o0 * stride - before[0]! + k0;
                const i1 = o1 * stride - before[1]! + k1;
                const i2 = o2 * stride - before[2]! + k2;
                if (i0 < 0 || i1 < 0 || i2 < 0 || i0 >= n[0]! || i1 >= n[1]! || i2 >= n[2]!)
                  continue;
                for (let c = 0; c < ci; c++)
                  for (let d = 0; d < co; d++) {
                    const dyAt = (((bi * out[0]! + o0) * out[1]! + o1) * out[2]! + o2) * co + d;
                    const wAt = (((k0 * f[1]! + k1) * f[2]! + k2) * ci + c) * co + d;
                    const dxAt = (((bi * n[0]! + i0) * n[1]! + i1) * n[2]! + i2) * ci + c;
                    dx[dxAt]! += dy[dyAt]! * w[wAt]!;
                    dw[wAt]! += x[dxAt]! * dy[dyAt]!;
                  }
              }
  return { dx, dw };
}

describeGradients('convolution gradients', convGradients, cases, () => {
  it.each([
    [[1, 3, 3, 3, 1], [2, 2, 2, 1, 1], 1, 'same'],
    [[2, 4, 5, 3, 2], [3, 2, 2, 2, 3], 1, 'valid'],
    [[1, 5, 4, 6, 1], [3, 3, 2, 1, 2], 2, 'same'],
    [[1, 6, 5, 5, 2], [2, 3, 3, 2, 1], 2, 'valid'],
    [[1, 7, 7, 7, 1], [3, 3, 3, 1, 1], 3, 'same'],
  ] as const)(
    'builds the Conv3D gradients from the forward kernel: x %j f %j stride %d %s',
    (xShape, fShape, stride, pad) => {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const x = uniform([...xShape], 59);
        const w = uniform([...fShape], 60);
        const y = tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, stride, pad);
        const dy = uniform(y.shape, 61);
        const gotDx = conv3dInputGrad(dy, w, [...xShape], stride, pad).dataSync();
        const gotDw = conv3dFilterGrad(x, dy, [...fShape], stride, pad).dataSync();
        const want = conv3dGradsByHand(
          x.dataSync() as Float32Array,
          dy.dataSync() as Float32Array,
          w.dataSync() as Float32Array,
          xShape,
          fShape,
          stride,
          pad,
        );
        expect(gotDx.length).toBe(want.dx.length);
        want.dx.forEach((v, i) => expect(gotDx[i]).toBeCloseTo(v, 4));
        expect(gotDw.length).toBe(want.dw.length);
        want.dw.forEach((v, i) => expect(gotDw[i]).toBeCloseTo(v, 4));
      });
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});
