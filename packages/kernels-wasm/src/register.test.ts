// registerWasmKernels: which kernels serve, no leaks, and setWasmKernelThreads.
import * as tf from '@tensorflow/tfjs-core';
import { rand, use } from '../test/helpers';
import {
  registerWasmKernels,
  setWasmKernelThreads,
  unregisterWasmKernels,
  KernelThreadsOptionError,
  wasmKernelsReady,
} from './index';
import { servedCounts } from './register';
import type { WasmBackend } from './wasm-backend';

const KERNELS = [
  'BatchMatMul',
  '_FusedMatMul',
  'Conv2D',
  'FusedConv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'Identity',
  'ReluGrad',
  'ApplyGradientDescent',
];

beforeAll(async () => {
  await use('wasm');
});
afterEach(() => {
  unregisterWasmKernels();
});

describe('registerWasmKernels', () => {
  it('replaces the wasm kernels, is idempotent, and unregister restores the stock configs', async () => {
    const stock = new Map(KERNELS.map((k) => [k, tf.getKernel(k, 'wasm')]));
    expect(registerWasmKernels()).toEqual(KERNELS);
    expect(registerWasmKernels()).toEqual(KERNELS);
    await wasmKernelsReady();
    for (const k of KERNELS) {
      expect(tf.getKernel(k, 'wasm')).toBeDefined();
      expect(tf.getKernel(k, 'wasm')).not.toBe(stock.get(k));
    }
    expect(unregisterWasmKernels().sort()).toEqual([...KERNELS].sort());
    for (const k of KERNELS) expect(tf.getKernel(k, 'wasm')).toBe(stock.get(k));
    expect(unregisterWasmKernels()).toEqual([]);
  });

  it('leaves other backends alone', () => {
    const cpu = KERNELS.map((k) => tf.getKernel(k, 'cpu'));
    registerWasmKernels();
    expect(KERNELS.map((k) => tf.getKernel(k, 'cpu'))).toEqual(cpu);
  });

  it('serves every kernel itself for float32 NHWC inputs', () => {
    registerWasmKernels();
    servedCounts.ours.clear();
    servedCounts.stock.clear();
    tf.tidy(() => {
      const x = tf.tensor4d(rand(2 * 6 * 6 * 3), [2, 6, 6, 3]);
      const w = tf.tensor4d(rand(3 * 3 * 3 * 4), [3, 3, 3, 4]);
      const y = tf.conv2d(x, w, 1, 'same');
      tf.fused.conv2d({
        x,
        filter: w,
        strides: 1,
        pad: 'same',
        bias: tf.ones([4]),
        activation: 'relu',
      });
      tf.engine().runKernel('Conv2DBackpropInput', { dy: y, filter: w }, {
        strides: 1,
        pad: 'same',
        dataFormat: 'NHWC',
        inputShape: [2, 6, 6, 3],
      } as unknown as tf.NamedAttrMap);
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: y }, {
        strides: 1,
        pad: 'same',
        dataFormat: 'NHWC',
        filterShape: [3, 3, 3, 4],
      } as unknown as tf.NamedAttrMap);
      tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]));
      tf.fused.matMul({ a: tf.ones([2, 3]), b: tf.ones([3, 2]), bias: tf.ones([2]) });
      tf.clone(x);
      tf.engine().runKernel('ReluGrad', { dy: x, y: x }, {});
      tf.engine().runKernel('ApplyGradientDescent', { variable: x, delta: x }, { alpha: 0.1 });
    });
    expect([...servedCounts.ours.keys()].sort()).toEqual([...KERNELS].sort());
    expect(servedCounts.stock.size).toBe(0);
  });
});

/** `value` after assigning it to `v` (the caller disposes it, as tfjs optimizers do). */
function assigned(v: tf.Variable, value: tf.Tensor): tf.Tensor {
  v.assign(value);
  return value;
}

describe('no leaks over 10,000 calls', () => {
  it('keeps tfjs tensor counts, bytes and the wasm heap size constant', () => {
    registerWasmKernels();
    const backend = tf.backend() as unknown as WasmBackend;
    const a = tf.tensor2d(rand(16 * 24), [16, 24]);
    const b = tf.tensor2d(rand(24 * 12), [24, 12]);
    const bias = tf.tensor1d(rand(12));
    const x = tf.tensor4d(rand(2 * 7 * 7 * 4), [2, 7, 7, 4]);
    const w = tf.tensor4d(rand(3 * 3 * 4 * 8), [3, 3, 4, 8]);
    const xw = tf.tensor4d(rand(6 * 5 * 16), [1, 6, 5, 16]);
    const ww = tf.tensor4d(rand(3 * 3 * 16 * 16), [3, 3, 16, 16]);
    const dy1 = tf.zeros([2, 7, 7, 8]);
    const dy2 = tf.zeros([2, 4, 4, 8]);
    const v = tf.tidy(() => tf.variable(tf.zeros([16, 24])));
    const calls: Array<() => tf.Tensor> = [
      () => tf.matMul(a, b),
      () => tf.clone(a),
      () => tf.engine().runKernel('ReluGrad', { dy: a, y: a }, {}) as tf.Tensor,
      // In place: the variable's data is not shared (a clone's fresh output is tested beside the kernel).
      () =>
        assigned(
          v,
          tf
            .engine()
            .runKernel(
              'ApplyGradientDescent',
              { variable: v, delta: a },
              { alpha: 0.1 },
            ) as tf.Tensor,
        ),
      () => tf.matMul(b, a, true, true),
      () => tf.fused.matMul({ a, b, bias, activation: 'sigmoid' }),
      () => tf.conv2d(x, w, 1, 'same'),
      // Winograd path (3x3, stride 1, 16 channels): forward and both gradients.
      () => tf.fused.conv2d({ x: xw, filter: ww, strides: 1, pad: 'same', activation: 'relu' }),
      () =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: xw, filter: ww }, {
          strides: 1,
          pad: 'same',
          dataFormat: 'NHWC',
          inputShape: [1, 6, 5, 16],
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: xw, dy: xw }, {
          strides: 1,
          pad: 'same',
          dataFormat: 'NHWC',
          filterShape: [3, 3, 16, 16],
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      () => tf.fused.conv2d({ x, filter: w, strides: 2, pad: 'same', activation: 'elu' }),
      () =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dy1, filter: w }, {
          strides: 1,
          pad: 'same',
          dataFormat: 'NHWC',
          inputShape: [2, 7, 7, 4],
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      () =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dy2, filter: w }, {
          strides: 2,
          pad: 'same',
          dataFormat: 'NHWC',
          inputShape: [2, 7, 7, 4],
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy2 }, {
          strides: 2,
          pad: 'same',
          dataFormat: 'NHWC',
          filterShape: [3, 3, 4, 8],
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ];
    // Warm up: the first call on a backend allocates the persistent packing scratch.
    for (const call of calls) call().dispose();
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const heap = backend.wasm.HEAPU8.buffer.byteLength;
    const probe = backend.wasm._malloc(64);
    backend.wasm._free(probe);
    for (let i = 0; i < 10000; i++) {
      for (const call of calls) call().dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.memory().numBytes).toBe(bytes);
    expect(backend.wasm.HEAPU8.buffer.byteLength).toBe(heap);
    // The allocator hands back the same block: nothing we allocated stayed behind.
    const probeAfter = backend.wasm._malloc(64);
    backend.wasm._free(probeAfter);
    expect(probeAfter).toBe(probe);
    tf.dispose([a, b, bias, x, w, xw, ww, dy1, dy2, v]);
  });
});

describe('setWasmKernelThreads', () => {
  it('rejects counts that are not whole numbers >= 1', () => {
    expect(() => setWasmKernelThreads(0)).toThrow(/expected a whole number of threads >= 1, got 0/);
    expect(() => setWasmKernelThreads(1.5)).toThrow(KernelThreadsOptionError);
  });
});
