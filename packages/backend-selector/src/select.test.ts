import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './select.js';

describe('selectBackend (real modules)', () => {
  it('selects wasm with SIMD when native TensorFlow is absent', async () => {
    const report = await selectBackend({ env: {} });
    expect(report.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(report.rejected.map((r) => r.candidate)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(report.rejected[0]?.reason).toMatch(/tfjs-node-gpu is not installed/);
    const y = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync());
    expect(y).toEqual([4, 6]);
  });

  it('selects cpu when required', async () => {
    const report = await selectBackend({ require: 'cpu', env: {} });
    expect(report.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
});
