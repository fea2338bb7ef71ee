// vggArgScope: the defaults slim's vgg_arg_scope gives conv2d and fullyConnected, seen
// through argScopeDefaults and through small layers (not whole nets), on every backend.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { conv2d, fullyConnected, maxPool2d } from '@tfslim/layers';
import { collectLosses } from '@tfslim/losses';
import { VariableStore, argScope, argScopeDefaults } from '@tfslim/variables';
import { vggArgScope } from './index.js';
import { sumSquares } from '../test/reference.js';
import { testBackends } from '@tfslim-internal/testing';

describe('vggArgScope defaults', () => {
  it('conv2d: ReLU, L2 on weights, zero biases, SAME; fullyConnected the same but padding', () => {
    const [conv, fc, pool] = argScope(vggArgScope(), () => [
      argScopeDefaults(conv2d),
      argScopeDefaults(fullyConnected),
      argScopeDefaults(maxPool2d),
    ]);
    expect(Object.keys(conv).sort()).toEqual([
      'activation',
      'biasesInitializer',
      'padding',
      'weightsRegularizer',
    ]);
    expect(conv['activation']).toBe('relu');
    expect(conv['padding']).toBe('SAME');
    expect(typeof conv['weightsRegularizer']).toBe('function');
    expect(Object.keys(fc).sort()).toEqual([
      'activation',
      'biasesInitializer',
      'weightsRegularizer',
    ]);
    expect(pool).toEqual({});
    // Nothing leaks out of the scope.
    expect(argScopeDefaults(conv2d)).toEqual({});
  });

  it('keeps the arg scopes active where it is called, as slim does', () => {
    const snapshot = argScope([conv2d], { stride: 2, padding: 'VALID' }, () => vggArgScope());
    const conv = argScope(snapshot, () => argScopeDefaults(conv2d));
    expect(conv['stride']).toBe(2);
    expect(conv['padding']).toBe('SAME'); // vgg's inner scope wins
  });
});

describe.each(testBackends())('vggArgScope on layers (%s)', (backend) => {
  let store: VariableStore;
  let x: tf.Tensor4D;
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });
  beforeEach(() => {
    store = new VariableStore();
    x = tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 3);
  });
  afterEach(() => {
    store.dispose();
    x.dispose();
  });

  it('regularizes weights with wd·Σw²/2 and keeps SAME sizes, ReLU outputs, zero biases', () => {
    const wd = 0.1;
    const before = tf.memory().numTensors;
    // No tf.tidy around the model: it would free the collected losses.
    const { result, losses } = collectLosses(() =>
      argScope(vggArgScope({ weightDecay: wd }), () => {
        const y = conv2d(x, 4, [3, 3], { scope: 'conv', store });
        const flat = tf.reshape(y, [2, 100]);
        const z = fullyConnected(flat, 3, { scope: 'fc', store });
        const out = [y.shape, Math.min(...y.dataSync()), Math.min(...z.dataSync())] as const;
        tf.dispose([y, flat, z]);
        return out;
      }),
    );
    const [shape, minConv, minFc] = result;
    expect(shape).toEqual([2, 5, 5, 4]);
    expect(minConv).toBeGreaterThanOrEqual(0);
    expect(minFc).toBeGreaterThanOrEqual(0);
    expect(Array.from(store.get('conv/biases')?.dataSync() ?? [1])).toEqual([0, 0, 0, 0]);
    const entries = losses.entries().regularizationLosses;
    expect(entries.map((e) => e.name)).toEqual([
      'conv/weights/Regularizer',
      'fc/weights/Regularizer',
    ]);
    for (const { name, loss } of entries) {
      const w = store.get(name.replace('/Regularizer', ''))?.dataSync() ?? [];
      expect(loss.dataSync()[0]).toBeCloseTo((wd * sumSquares(w)) / 2, 5);
    }
    losses.dispose();
    expect(tf.memory().numTensors).toBe(before + 4); // the four new variables
  });

  it('explicit options win; weightDecay 0 adds no regularization loss', () => {
    const { result, losses } = collectLosses(() =>
      tf.tidy(() =>
        argScope(vggArgScope({ weightDecay: 0 }), () => {
          const y = conv2d(x, 4, [3, 3], { padding: 'VALID', activation: null, store });
          return [y.shape, Math.min(...y.dataSync())] as const;
        }),
      ),
    );
    expect(result[0]).toEqual([2, 3, 3, 4]);
    expect(result[1]).toBeLessThan(0);
    expect(losses.entries().regularizationLosses).toEqual([]);
  });
});
