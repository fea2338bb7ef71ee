// A model trained in its own store, called outside it, fails naming withVariableStore instead of
// silently making fresh weights in the default store.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { testBackends } from '@tfslim-internal/testing';
import {
  VariableError,
  VariableStore,
  defaultStore,
  modelVariable,
  variableScope,
  withVariableStore,
} from './index.js';

const model = (x: tf.Tensor2D): tf.Tensor =>
  variableScope('net', () => {
    const w = modelVariable('w', { shape: [2, 1], initializer: () => tf.tensor2d([[1], [2]]) });
    return tf.matMul(x, w);
  });

describe.each(testBackends())('calling a model outside its store on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });
  afterEach(() => defaultStore.dispose());

  it('throws a VariableError naming withVariableStore and leaves the default store empty', async () => {
    const store = new VariableStore({ label: 'trained' });
    const x = tf.tensor2d([[1, 1]]);
    tf.tidy(() => withVariableStore(store, () => model(x)));
    // "Training": the weights move away from the initial [1, 2].
    store.get('net/w')!.assign(tf.tensor2d([[3], [4]]));
    const before = tf.memory().numTensors;
    expect(() => model(x)).toThrow(VariableError);
    expect(() => model(x)).toThrow(
      /^modelVariable: expected the model's variable 'net\/w' from its store 'trained', got a call outside that store, which would create fresh untrained variables in the default store\. Call the model inside withVariableStore\(store, \(\) => model\(x\)\)/,
    );
    expect(defaultStore.size).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    // Inside its store the model uses the trained weights: 1*3 + 1*4 = 7.
    const y = tf.tidy(() => withVariableStore(store, () => model(x)));
    expect(Array.from(await y.data())).toEqual([7]);
    y.dispose();
    x.dispose();
    store.dispose();
  });

  it('still builds in the default store when no other store holds the name, or when asked', async () => {
    const x = tf.tensor2d([[1, 1]]);
    const a = tf.tidy(() => model(x)); // nothing else holds net/w: a model in the default store
    expect(Array.from(await a.data())).toEqual([3]);
    expect(defaultStore.has('net/w')).toBe(true);
    defaultStore.dispose();

    const store = new VariableStore();
    tf.tidy(() => withVariableStore(store, () => model(x)));
    const b = tf.tidy(() => withVariableStore(defaultStore, () => model(x))); // explicit copy
    expect(Array.from(await b.data())).toEqual([3]);
    expect(defaultStore.has('net/w')).toBe(true);
    // A disposed store no longer claims its names.
    defaultStore.dispose();
    store.dispose();
    const c = tf.tidy(() => model(x));
    expect(Array.from(await c.data())).toEqual([3]);
    tf.dispose([a, b, c, x]);
  });
});
