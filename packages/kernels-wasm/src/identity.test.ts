// tf.clone on wasm shares the input's memory, and values stay a clone's own.
import * as tf from '@tensorflow/tfjs-core';
import { dataIdOf, useWasmKernels } from '../test/helpers';

useWasmKernels();

describe('tf.clone on wasm', () => {
  it('shares the data instead of copying it', () => {
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    expect(dataIdOf(y)).toBe(dataIdOf(x));
    tf.dispose([x, y]);
  });

  it('keeps the values after the original is disposed, and frees them with the last clone', () => {
    const before = tf.memory().numBytes;
    const x = tf.tensor1d([1, -2, 3]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3]);
    expect(Array.from(tf.tidy(() => tf.add(y, 1).dataSync()))).toEqual([2, -1, 4]);
    y.dispose();
    expect(tf.memory().numBytes).toBe(before);
  });

  it('keeps what a gradient saved when the variable it saved is assigned', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const saved = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(saved.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([v, saved]);
  });

  it('still clones string tensors', () => {
    const s = tf.tensor1d(['a', 'bc'], 'string');
    const c = tf.clone(s);
    s.dispose();
    expect(c.arraySync()).toEqual(['a', 'bc']);
    c.dispose();
  });
});
