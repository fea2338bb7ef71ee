// Stage 2: the same kernels with GEMMs split over worker threads (forced on for every size
// here). Results must match the cpu backend exactly as the single-threaded ones do.
import * as tf from '@tensorflow/tfjs-core';
import { maxAbsDiff, rand, use, valuesOn } from '../test/helpers';
import { registerWasmKernels, unregisterWasmKernels, wasmKernelsReady } from './index';
import {
  activeThreads,
  configureThreads,
  sharedMemoryBytes,
  stopThreads,
  threadStats,
  workerJobs,
} from './threads';

beforeAll(async () => {
  await use('wasm');
  configureThreads({ threads: 2, minFlops: 0 });
  registerWasmKernels();
  await wasmKernelsReady();
  const start = Date.now();
  while (activeThreads() < 2 && Date.now() - start < 10000) {
    await new Promise((r) => setTimeout(r, 20));
  }
});
afterAll(() => {
  unregisterWasmKernels();
  stopThreads();
  configureThreads({ threads: 0, minFlops: 2 ** 25 });
});

it('starts a worker', () => {
  expect(activeThreads()).toBe(2);
});

async function compare(f: () => tf.Tensor, tol: number): Promise<void> {
  const before = threadStats.calls;
  const ours = await valuesOn('wasm', f);
  expect(threadStats.calls).toBeGreaterThan(before);
  const cpu = await valuesOn('cpu', f);
  await use('wasm');
  expect(maxAbsDiff(ours, cpu)).toBeLessThan(tol);
}

describe('split over threads', () => {
  it.each([
    [67, 45, 33, false, false],
    [5, 300, 40, true, false],
    [130, 9, 257, false, true],
    [33, 70, 31, true, true],
  ])('matmul M=%i N=%i K=%i tA=%s tB=%s matches the cpu backend', async (M, N, K, tA, tB) => {
    const a = rand(M * K, 1);
    const b = rand(K * N, 2);
    await compare(
      () =>
        tf.matMul(tf.tensor(a, tA ? [K, M] : [M, K]), tf.tensor(b, tB ? [N, K] : [K, N]), tA, tB),
      1e-4,
    );
  });

  it('batched fused matmul with bias and relu matches the cpu backend', async () => {
    await compare(
      () =>
        tf.fused.matMul({
          a: tf.tensor3d(rand(3 * 21 * 17, 3), [3, 21, 17]),
          b: tf.tensor3d(rand(3 * 17 * 29, 4), [3, 17, 29]),
          bias: tf.tensor1d(rand(29, 5)),
          activation: 'relu',
        }),
      1e-5,
    );
  });

  const x = rand(2 * 11 * 10 * 6, 6);
  const w = rand(3 * 3 * 6 * 9, 7);
  it.each([1, 2])('conv2d stride %i and both gradients match the cpu backend', async (s) => {
    const dyShape = tf.backend_util.computeConv2DInfo([2, 11, 10, 6], [3, 3, 6, 9], s, 1, 'same')
      .outShape as [number, number, number, number];
    const dy = rand(
      dyShape.reduce((p, q) => p * q, 1),
      8,
    );
    const attrs = { strides: s, pad: 'same', dataFormat: 'NHWC' };
    await compare(
      () => tf.conv2d(tf.tensor4d(x, [2, 11, 10, 6]), tf.tensor4d(w, [3, 3, 6, 9]), s, 'same'),
      1e-5,
    );
    await compare(
      () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(w, [3, 3, 6, 9]) },
            { ...attrs, inputShape: [2, 11, 10, 6] } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor,
      1e-5,
    );
    await compare(
      () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: tf.tensor4d(x, [2, 11, 10, 6]), dy: tf.tensor4d(dy, dyShape) },
            { ...attrs, filterShape: [3, 3, 6, 9] } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor,
      1e-4,
    );
  });

  it('leaks neither tensors, the tfjs heap nor shared memory over 2,000 calls', () => {
    const a = tf.tensor2d(rand(40 * 30), [40, 30]);
    const b = tf.tensor2d(rand(30 * 50), [30, 50]);
    const xt = tf.tensor4d(x, [2, 11, 10, 6]);
    const wt = tf.tensor4d(w, [3, 3, 6, 9]);
    const calls = [() => tf.matMul(a, b), () => tf.conv2d(xt, wt, 2, 'same')];
    for (const call of calls) call().dispose();
    const tensors = tf.memory().numTensors;
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer
      .byteLength;
    const shared = sharedMemoryBytes();
    const before = threadStats.calls;
    for (let i = 0; i < 1000; i++) for (const call of calls) call().dispose();
    expect(threadStats.calls - before).toBe(2000);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(
      (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength,
    ).toBe(heap);
    expect(sharedMemoryBytes()).toBe(shared);
    tf.dispose([a, b, xt, wt]);
    // The worker did its share of every call and never failed.
    expect(workerJobs()).toBeGreaterThanOrEqual(2000);
    expect(activeThreads()).toBe(2);
  });
});
