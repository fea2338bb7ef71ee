import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { fillMissingKernels } from './fill-missing-kernels.js';

const FILLED = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
];

beforeAll(() => tf.setBackend('wasm'));

describe('fillMissingKernels', () => {
  it('registers exactly the kernels wasm lacks, once', () => {
    const before = FILLED.filter((k) => tf.getKernel(k, 'wasm') == null);
    const first = fillMissingKernels('wasm');
    // plus the accurate replacements of the stock Sum and Mean (accurate-sum.test.ts)
    expect(first.sort()).toEqual([...before, 'Mean', 'Sum'].sort());
    for (const k of FILLED) expect(tf.getKernel(k, 'wasm')).toBeDefined();
    expect(fillMissingKernels('wasm')).toEqual([]);
  });

  it('leaves a kernel someone else registered in place and refills only what is missing', () => {
    fillMissingKernels('wasm');
    const faster = { ...tf.getKernel('Conv2DBackpropFilter', 'wasm')! };
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
    tf.unregisterKernel('UnsortedSegmentSum', 'wasm');
    tf.registerKernel(faster);
    expect(fillMissingKernels('wasm')).toEqual(['UnsortedSegmentSum']);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(faster);
  });

  it('after filling, no cpu training kernel is missing on wasm', () => {
    fillMissingKernels('wasm');
    const wasm = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
    const training = tf
      .getKernelsForBackend('cpu')
      .map((k) => k.kernelName)
      .filter((k) => /Grad|Backprop|SegmentSum/.test(k));
    expect(training.filter((k) => !wasm.has(k))).toEqual([]);
  });

  it('does nothing for backends that lack nothing (or that it does not know)', () => {
    expect(fillMissingKernels('cpu')).toEqual([]);
    expect(fillMissingKernels('no-such-backend')).toEqual([]);
  });

  it('leaks no tensors over many calls of every filled kernel', () => {
    fillMissingKernels('wasm');
    const x = tf.randomNormal([2, 6, 5, 3]);
    const w = tf.randomNormal([3, 3, 3, 2]);
    const run = () => {
      const dy = tf.randomNormal([2, 3, 3, 4]);
      const dyDw = tf.randomNormal([2, 3, 3, 6]);
      const outs = [
        tf.engine().runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          {
            strides: 2,
            pad: 'same',
            dataFormat: 'NHWC',
            filterShape: [3, 3, 3, 4],
          },
        ),
        tf.engine().runKernel(
          'DepthwiseConv2dNativeBackpropFilter',
          { x, dy: dyDw },
          {
            strides: 2,
            pad: 'same',
            dilations: 1,
            filterShape: [3, 3, 3, 2],
          },
        ),
        tf.engine().runKernel(
          'DepthwiseConv2dNativeBackpropInput',
          { dy: dyDw, filter: w },
          {
            strides: 2,
            pad: 'same',
            dilations: 1,
            inputShape: [2, 6, 5, 3],
          },
        ),
        tf.unsortedSegmentSum(x, tf.tensor1d([1, 0], 'int32'), 3),
      ] as tf.Tensor[];
      tf.dispose([dy, dyDw, ...outs]);
    };
    tf.tidy(run); // warm-up: anything cached on first use
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    const bytes = tf.memory().numBytes;
    for (let i = 0; i < 50; i++) tf.tidy(run);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
    expect(tf.memory().numBytes).toBe(bytes);
    tf.dispose([x, w]);
  });
});
