// repeat and stack, and argScope over the layers.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  ArgScopeError,
  VariableStore,
  argScope,
  constantInitializer,
  l2Regularizer,
  variableScope,
} from '@tfslim/variables';
import { conv2d, dropout, fullyConnected, maxPool2d, repeat, stack } from './index.js';

let store: VariableStore;
beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});
beforeEach(() => {
  store = new VariableStore();
});
afterEach(() => store.dispose());
const shapes = () =>
  Object.fromEntries(Object.entries(store.namedVariables()).map(([n, v]) => [n, v.shape]));

describe('repeat and stack', () => {
  it('repeat names <scope>/<scope>_i and passes options to every call', () => {
    const x = tf.ones([1, 4, 4, 2]);
    const y = variableScope(
      'vgg_16',
      () => repeat(x, 3, conv2d, [5, [3, 3]], { scope: 'conv3', stride: 2 }),
      {
        store,
      },
    );
    expect(shapes()).toEqual({
      'vgg_16/conv3/conv3_1/weights': [3, 3, 2, 5],
      'vgg_16/conv3/conv3_1/biases': [5],
      'vgg_16/conv3/conv3_2/weights': [3, 3, 5, 5],
      'vgg_16/conv3/conv3_2/biases': [5],
      'vgg_16/conv3/conv3_3/weights': [3, 3, 5, 5],
      'vgg_16/conv3/conv3_3/biases': [5],
    });
    expect(y.shape).toEqual([1, 1, 1, 5]);
  });

  it('without a scope: Repeat/<layer>_i and Stack/<layer>_i', () => {
    const x = tf.ones([2, 6]);
    variableScope(
      'net',
      () => {
        repeat(x, 2, fullyConnected, [6]);
        stack(x, fullyConnected, [4, 3]);
        repeat(x, 1, fullyConnected, [6]);
      },
      { store },
    );
    expect(Object.keys(shapes())).toEqual([
      'net/Repeat/fullyConnected_1/weights',
      'net/Repeat/fullyConnected_1/biases',
      'net/Repeat/fullyConnected_2/weights',
      'net/Repeat/fullyConnected_2/biases',
      'net/Stack/fullyConnected_1/weights',
      'net/Stack/fullyConnected_1/biases',
      'net/Stack/fullyConnected_2/weights',
      'net/Stack/fullyConnected_2/biases',
      'net/Repeat_1/fullyConnected_1/weights',
      'net/Repeat_1/fullyConnected_1/biases',
    ]);
  });

  it('stack takes one entry per layer: a single argument or a list of them', () => {
    const x = tf.ones([1, 8, 8, 3]);
    variableScope(
      'net',
      () => {
        const f = stack(tf.ones([2, 16]), fullyConnected, [32, 64, 128], { scope: 'fc' });
        expect(f.shape).toEqual([2, 128]);
        stack(
          x,
          conv2d,
          [
            [32, [3, 3]],
            [64, [1, 1]],
          ],
          { scope: 'block', activation: null },
        );
      },
      { store },
    );
    expect(shapes()).toMatchObject({
      'net/fc/fc_1/weights': [16, 32],
      'net/fc/fc_2/weights': [32, 64],
      'net/fc/fc_3/weights': [64, 128],
      'net/block/block_1/weights': [3, 3, 3, 32],
      'net/block/block_2/weights': [1, 1, 32, 64],
    });
  });

  it('rejects bad arguments clearly', () => {
    const x = tf.ones([1, 4]);
    expect(() => repeat(x, 0, fullyConnected, [2])).toThrow(
      /repetitions to be a positive integer, got 0/,
    );
    expect(() => repeat(x, 2, fullyConnected, 2 as never)).toThrow(/layerArgs to be an array/);
    expect(() => repeat(x, 2, fullyConnected, [2, {}, 3] as never, { store })).toThrow(
      /repeat: expected at most 1 positional arguments for fullyConnected, got 3/,
    );
    expect(() => stack(x, fullyConnected, 3 as never)).toThrow(/stackArgs to be a list/);
  });
});

describe('argScope on layers', () => {
  const x = () => tf.ones([1, 1, 1, 1]);
  const conv = (opts = {}) =>
    conv2d(x(), 1, 1, { weightsInitializer: constantInitializer(-1), ...opts }).dataSync()[0];

  it('outer < inner < explicit, merged per function', () => {
    const got = variableScope(
      'net',
      () =>
        argScope(
          [conv2d, fullyConnected],
          { activation: null, biasesInitializer: constantInitializer(0.5) },
          () => {
            const outer = conv({ scope: 'outer' });
            return argScope([conv2d], { activation: 'relu' }, () => ({
              outer,
              inner: conv({ scope: 'inner' }),
              explicit: conv({ scope: 'explicit', activation: 'tanh' }),
              fc: fullyConnected(tf.ones([1, 1]), 1, {
                weightsInitializer: constantInitializer(-1),
              }).dataSync()[0],
            }));
          },
        ),
      { store },
    );
    // -1 * 1 + 0.5 = -0.5: no activation outside, ReLU inside, tanh explicitly
    expect(got.outer).toBeCloseTo(-0.5);
    expect(got.inner).toBe(0);
    expect(got.explicit).toBeCloseTo(Math.tanh(-0.5), 6);
    // fullyConnected only got the outer defaults (biases from the outer scope, no activation)
    expect(got.fc).toBeCloseTo(-0.5);
    expect(Array.from(store.get('net/inner/biases')!.dataSync())).toEqual([0.5]);
  });

  it('each layer accepts exactly its own options', () => {
    expect(() => argScope([conv2d, maxPool2d], { activation: 'relu' }, () => 0)).toThrow(
      ArgScopeError,
    );
    expect(() => argScope([conv2d, maxPool2d], { activation: 'relu' }, () => 0)).toThrow(
      /expected options of maxPool2d \(scope, reuse, store, outputsCollections, stride, padding\), got 'activation'/,
    );
    expect(() => argScope([tf.conv2d as never], {}, () => 0)).toThrow(
      /expected functions marked arg-scopable/,
    );
    argScope([dropout], { isTraining: false }, () => {
      const y = dropout(tf.ones([4]), 0.5);
      expect(Array.from(y.dataSync())).toEqual([1, 1, 1, 1]);
    });
    argScope([conv2d, fullyConnected], { weightsRegularizer: l2Regularizer(1) }, () => undefined);
  });
});
