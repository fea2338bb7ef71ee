// fullyConnected, pooling, flatten and dropout against hand-computed values.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  VariableStore,
  constantInitializer,
  variableScope,
  withVariableStore,
} from '@tfslim/variables';
import {
  LayerInputError,
  avgPool2d,
  dropout,
  flatten,
  fullyConnected,
  maxPool2d,
} from './index.js';
import { perTest, testBackends } from '@tfslim-internal/testing';

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe.each(testBackends())('layers on %s', (backend) => {
  beforeAll(() => selectBackend({ require: backend, env: {} }));
  const store = perTest(() => new VariableStore());
  const inStore = <T>(f: () => T) => withVariableStore(store(), () => variableScope('net', f));

  describe('fullyConnected', () => {
    it('computes activation(x·W + b) by hand, with weights [in, out]', () => {
      const x = tf.tensor2d([
        [1, 2],
        [-3, 1],
      ]);
      // W = [[1, -1, 0.5], [2, 0, -1]], b = [0.5, 0, -1]
      const opts = {
        weightsInitializer: constantInitializer([1, -1, 0.5, 2, 0, -1]),
        biasesInitializer: constantInitializer([0.5, 0, -1]),
      };
      const lin = inStore(() => fullyConnected(x, 3, { ...opts, activation: null }));
      // row 1: [1+4, -1, 0.5-2] + b; row 2: [-3+2, 3, -1.5-1] + b
      expect(Array.from(lin.dataSync())).toEqual([5.5, -1, -2.5, -0.5, 3, -3.5]);
      const relu = inStore(() => fullyConnected(x, 3, { ...opts, scope: 'relu' }));
      expect(Array.from(relu.dataSync())).toEqual([5.5, 0, 0, 0, 3, 0]);
      const tanh = inStore(() =>
        fullyConnected(x, 3, { ...opts, scope: 'tanh', activation: 'tanh' }),
      );
      expect(tanh.dataSync()[0]).toBeCloseTo(Math.tanh(5.5), 5);
      expect(Object.keys(store().namedVariables())).toEqual([
        'net/fully_connected/weights',
        'net/fully_connected/biases',
        'net/relu/weights',
        'net/relu/biases',
        'net/tanh/weights',
        'net/tanh/biases',
      ]);
      expect(store().get('net/fully_connected/weights')?.shape).toEqual([2, 3]);
      tf.dispose([x, lin, relu, tanh]);
    });

    it('works over the last axis of higher-rank inputs', () => {
      const x = tf.tensor3d(
        seq(12, (i) => i),
        [2, 3, 2],
      );
      const y = inStore(() =>
        fullyConnected(x, 1, {
          activation: null,
          weightsInitializer: constantInitializer([1, 10]),
        }),
      );
      expect(y.shape).toEqual([2, 3, 1]);
      expect(Array.from(y.dataSync())).toEqual([10, 32, 54, 76, 98, 120]);
      tf.dispose([x, y]);
    });

    it('bad input names expected and received', () => {
      expect(() => inStore(() => fullyConnected(tf.zeros([4]), 2))).toThrow(
        /fullyConnected: expected inputs of rank >= 2 \[batch, \.\.\., features\], got rank 1 with shape \[4\]/,
      );
      inStore(() => fullyConnected(tf.zeros([1, 4]), 2, { scope: 'fc' }));
      expect(() => inStore(() => fullyConnected(tf.zeros([1, 5]), 2, { scope: 'fc' }))).toThrow(
        /expected inputs with 4 features in the last dimension \(the existing 'net\/fc\/weights' is \[4,2\]\), got 5 in inputs of shape \[1,5\]/,
      );
      expect(() => inStore(() => fullyConnected(tf.zeros([1, 4], 'int32'), 2))).toThrow(
        LayerInputError,
      );
    });
  });

  describe('pooling', () => {
    const x = () =>
      tf.tensor4d(
        seq(16, (i) => i + 1),
        [1, 4, 4, 1],
      );

    it('maxPool2d and avgPool2d: slim defaults stride 2, VALID', () => {
      const input = x();
      const m = inStore(() => maxPool2d(input, [2, 2]));
      expect(m.shape).toEqual([1, 2, 2, 1]);
      expect(Array.from(m.dataSync())).toEqual([6, 8, 14, 16]);
      const a = inStore(() => avgPool2d(input, 2));
      expect(Array.from(a.dataSync())).toEqual([3.5, 5.5, 11.5, 13.5]);
      // 3x3 window, stride 1, VALID
      const m3 = inStore(() => maxPool2d(input, 3, { stride: 1 }));
      expect(Array.from(m3.dataSync())).toEqual([11, 12, 15, 16]);
      tf.dispose([input, m, a, m3]);
    });

    it('avgPool2d SAME averages in-bounds elements only (TensorFlow)', () => {
      const input = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
      const a = inStore(() => avgPool2d(input, 2, { padding: 'SAME' }));
      // windows at (0,0): 1,2,4,5; (0,2): 3,6; (2,0): 7,8; (2,2): 9
      expect(Array.from(a.dataSync())).toEqual([3, 4.5, 7.5, 9]);
      tf.dispose([input, a]);
    });

    it('rejects rank 3 inputs', () => {
      expect(() => maxPool2d(tf.zeros([4, 4, 1]), 2)).toThrow(
        /maxPool2d: expected inputs of rank 4 .*got rank 3 with shape \[4,4,1\]/,
      );
    });
  });

  describe('dropout', () => {
    it('training: every element is 0 or x/keepProb, about keepProb of them kept', () => {
      const input = tf.ones([100, 100]);
      const y = dropout(input, 0.8, { seed: 1 });
      const values = y.dataSync();
      let kept = 0;
      let other = 0;
      for (const v of values) {
        if (v !== 0) kept++;
        if (v !== 0 && Math.abs(v - 1 / 0.8) > 1e-5) other++;
      }
      expect(other).toBe(0);
      expect(kept / values.length).toBeGreaterThan(0.77);
      expect(kept / values.length).toBeLessThan(0.83);
      tf.dispose([input, y]);
    });

    it('not training (or keepProb 1): the inputs unchanged; keepProb from options', () => {
      const input = tf.tensor([1, 2, 3]);
      const a = dropout(input, 0.5, { isTraining: false });
      const b = dropout(input, 1);
      expect(Array.from(a.dataSync())).toEqual([1, 2, 3]);
      expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
      const c = dropout(tf.ones([1000]), undefined, { keepProb: 0.25, seed: 3 });
      expect(Math.max(...c.dataSync())).toBeCloseTo(4, 5);
      expect(() => dropout(input, 0)).toThrow(
        /keepProb in \(0, 1\], got 0\. It is the probability to KEEP/,
      );
      expect(() => dropout(input, 1.5)).toThrow(/got 1.5/);
      tf.dispose([input, a, b, c]);
    });
  });

  describe('flatten', () => {
    it('keeps the batch dimension', () => {
      const input = tf.tensor4d(
        seq(24, (i) => i),
        [2, 3, 2, 2],
      );
      const y = flatten(input);
      expect(y.shape).toEqual([2, 12]);
      expect(Array.from(y.dataSync())).toEqual(seq(24, (i) => i));
      expect(() => flatten(tf.zeros([3]))).toThrow(
        /flatten: expected inputs of rank >= 2 \[batch, \.\.\.\], got rank 1/,
      );
      tf.dispose([input, y]);
    });
  });
});
