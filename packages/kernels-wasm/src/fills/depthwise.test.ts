import * as tf from '@tensorflow/tfjs-core';
import { patchBudget } from './conv2d-backprop-filter.js';
import {
  COMMON_CASES,
  type ConvCase,
  depthwiseFilterGradRef,
  depthwiseInputGradRef,
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
  { x: [1, 7, 5, 8], k: [1, 1], strides: [1, 1], dilations: [1, 1], pad: 'valid' },
  ...STRIDED_CASES,
];
// tfjs-backend-cpu 4.22's depthwise backprop kernels ignore dilations (they index the filter
// as if it were 1) and tfjs-core's gradient refuses dilations > 1, so dilated cases are checked
// against the definition only.
const DILATED: ConvCase[] = [
  { x: [2, 9, 7, 3], k: [3, 3], strides: [1, 1], dilations: [2, 2], pad: 'same' },
  { x: [1, 9, 7, 8], k: [3, 3], strides: [1, 1], dilations: [2, 2], pad: 'valid' },
  { x: [1, 9, 8, 3], k: [3, 2], strides: [1, 1], dilations: [2, 3], pad: 'same' },
];

function inputs(c: ConvCase, M: number, seed: number) {
  const { outH, outW } = geometry(c);
  const C = c.x[3] as number;
  const x = host(c.x, seed);
  const dy = host([c.x[0] as number, outH, outW, C * M], seed + 1);
  const filter = host([c.k[0], c.k[1], C, M], seed + 2);
  const base = { strides: c.strides, pad: c.pad, dilations: c.dilations };
  return { x, dy, filter, base, filterShape: filter.shape };
}

describe('DepthwiseConv2dNativeBackpropFilter on wasm', () => {
  it.each(CASES.map((c, i) => [label(c), c, i] as const))(
    '%s matches the cpu kernel and the definition',
    (_name, c, i) => {
      for (const M of [1, 2]) {
        const { x, dy, base, filterShape } = inputs(c, M, 10 * i + M);
        const attrs = { ...base, filterShape };
        const wasm = runOnActive('DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs);
        const cpu = runOnCpu('DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs);
        expect(wasm.shape).toEqual(filterShape);
        expect(relativeError(wasm.values, cpu.values)).toBeLessThan(1e-5);
        expect(relativeError(wasm.values, depthwiseFilterGradRef(c, x, dy, M))).toBeLessThan(1e-5);
      }
    },
  );

  it.each(DILATED.map((c) => [label(c), c] as const))('%s matches the definition', (_name, c) => {
    for (const M of [1, 3]) {
      const { x, dy, base, filterShape } = inputs(c, M, 5 + M);
      const wasm = runOnActive(
        'DepthwiseConv2dNativeBackpropFilter',
        { x, dy },
        { ...base, filterShape },
      );
      expect(relativeError(wasm.values, depthwiseFilterGradRef(c, x, dy, M))).toBeLessThan(1e-5);
    }
  });

  it('splits many channels into groups with the same result', () => {
    const c = CASES[5] as ConvCase;
    const { x, dy, base, filterShape } = inputs(c, 2, 42);
    const attrs = { ...base, filterShape };
    const whole = runOnActive('DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs);
    const saved = patchBudget.elements;
    try {
      patchBudget.elements = 1; // one channel per group
      const split = runOnActive('DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs);
      expect(relativeError(split.values, whole.values)).toBeLessThan(1e-6);
    } finally {
      patchBudget.elements = saved;
    }
  });

  it('rejects a dy of the wrong shape', () => {
    const x = tf.zeros([1, 5, 5, 2]);
    const dy = tf.zeros([1, 5, 5, 2]);
    expect(() =>
      tf.engine().runKernel(
        'DepthwiseConv2dNativeBackpropFilter',
        { x, dy },
        {
          strides: 1,
          pad: 'valid',
          dilations: 1,
          filterShape: [3, 3, 2, 1],
        },
      ),
    ).toThrow('DepthwiseConv2dNativeBackpropFilter: expected dy of shape [1, 3, 3, 2]');
    tf.dispose([x, dy]);
  });
});

describe('DepthwiseConv2dNativeBackpropInput on wasm', () => {
  it.each(CASES.map((c, i) => [label(c), c, i] as const))(
    '%s matches the cpu kernel and the definition',
    (_name, c, i) => {
      for (const M of [1, 2]) {
        const { dy, filter, base } = inputs(c, M, 10 * i + M);
        const attrs = { ...base, inputShape: c.x };
        const wasm = runOnActive('DepthwiseConv2dNativeBackpropInput', { dy, filter }, attrs);
        const cpu = runOnCpu('DepthwiseConv2dNativeBackpropInput', { dy, filter }, attrs);
        expect(wasm.shape).toEqual(c.x);
        expect(relativeError(wasm.values, cpu.values)).toBeLessThan(1e-5);
        expect(relativeError(wasm.values, depthwiseInputGradRef(c, dy, filter, M))).toBeLessThan(
          1e-5,
        );
      }
    },
  );

  it.each(DILATED.map((c) => [label(c), c] as const))('%s matches the definition', (_name, c) => {
    for (const M of [1, 3]) {
      const { dy, filter, base } = inputs(c, M, 5 + M);
      const wasm = runOnActive(
        'DepthwiseConv2dNativeBackpropInput',
        { dy, filter },
        { ...base, inputShape: c.x },
      );
      expect(relativeError(wasm.values, depthwiseInputGradRef(c, dy, filter, M))).toBeLessThan(
        1e-5,
      );
    }
  });

  it('rejects a filter whose channels differ from inputShape', () => {
    const dy = tf.zeros([1, 3, 3, 2]);
    const filter = tf.zeros([3, 3, 4, 1]);
    expect(() =>
      tf.engine().runKernel(
        'DepthwiseConv2dNativeBackpropInput',
        { dy, filter },
        {
          strides: 1,
          pad: 'valid',
          dilations: 1,
          inputShape: [1, 5, 5, 2],
        },
      ),
    ).toThrow(
      'DepthwiseConv2dNativeBackpropInput: expected filter.shape[2] to equal the input channels 2, got 4',
    );
    tf.dispose([dy, filter]);
  });
});
