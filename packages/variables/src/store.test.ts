// VariableStore: creation, collections, update ops and disposal.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  GraphKeys,
  VariableError,
  VariableReuseError,
  VariableStore,
  defaultStore,
  getVariableFullName,
  variable,
  variableScope,
} from './index.js';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

describe('VariableStore', () => {
  let store: VariableStore;
  beforeEach(() => {
    store = new VariableStore();
  });
  afterEach(() => store.dispose());

  it('creates variables under slim names, with collections', () => {
    const w = store.createVariable('net/w', () => tf.ones([2, 3]));
    const s = store.createVariable('net/s', tf.scalar(1, 'int32'), { trainable: false });
    expect(store.size).toBe(2);
    expect(store.nameOf(w)).toBe('net/w');
    expect(getVariableFullName(s)).toBe('net/s');
    expect(w.trainable).toBe(true);
    expect(s.trainable).toBe(false);
    expect(store.getCollection(GraphKeys.GLOBAL_VARIABLES)).toEqual([w, s]);
    expect(store.getCollection(GraphKeys.TRAINABLE_VARIABLES)).toEqual([w]);
    expect(store.collectionNames().sort()).toEqual(['trainable_variables', 'variables']);
    expect(Array.from(w.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('two stores hold the same slim name without a tfjs name clash', () => {
    const other = new VariableStore();
    try {
      const a = variableScope('vgg_16', () => variable('w', { shape: [1] }), { store });
      const b = variableScope('vgg_16', () => variable('w', { shape: [1] }), { store: other });
      expect(a).not.toBe(b);
      expect(store.nameOf(a)).toBe('vgg_16/w');
      expect(other.nameOf(b)).toBe('vgg_16/w');
      expect(a.name).toBe('vgg_16/w');
      expect(b.name).toBe(`${other.label}/vgg_16/w`);
      expect(Object.keys(other.namedVariables())).toEqual(['vgg_16/w']);
      expect(() => store.nameOf(b)).toThrow(/belongs to another store/);
    } finally {
      other.dispose();
    }
  });

  it('rejects bad names and duplicates with the expected and received values', () => {
    expect(() => store.createVariable('a//b', tf.scalar(0))).toThrow(
      /createVariable: expected a full variable name .*got "a\/\/b"/,
    );
    store.createVariable('a/b', tf.zeros([4]));
    expect(() => store.createVariable('a/b', tf.zeros([4]))).toThrow(VariableReuseError);
    expect(() => store.createVariable('a/b', tf.zeros([4]))).toThrow(/already holds .*\[4\]/);
    expect(() => store.createVariable('a/c', (() => 3) as never)).toThrow(/tf.Tensor, got number/);
    expect(() => store.nameOf(tf.variable(tf.scalar(1), true, 'loose_var'))).toThrow(VariableError);
    tf.engine().registeredVariables['loose_var']?.dispose();
  });

  it('namedVariables and getVariables filter by scope (whole segments), suffix, include/exclude', () => {
    for (const n of [
      'vgg_16/conv1/w',
      'vgg_16/conv10/w',
      'vgg_16/fc8/weights',
      'vgg_16/fc8/biases',
    ]) {
      store.createVariable(n, tf.zeros([1]));
    }
    expect(Object.keys(store.namedVariables({ scope: 'vgg_16/conv1' }))).toEqual([
      'vgg_16/conv1/w',
    ]);
    expect(Object.keys(store.namedVariables({ scope: /vgg_16\/conv1/ }))).toEqual([
      'vgg_16/conv1/w',
      'vgg_16/conv10/w',
    ]);
    expect(Object.keys(store.namedVariables({ suffix: 'weights' }))).toEqual([
      'vgg_16/fc8/weights',
    ]);
    expect(Object.keys(store.namedVariables({ exclude: ['vgg_16/fc8'] }))).toEqual([
      'vgg_16/conv1/w',
      'vgg_16/conv10/w',
    ]);
    expect(
      Object.keys(
        store.namedVariables({
          include: ['vgg_16/conv10', 'vgg_16/fc8'],
          exclude: ['vgg_16/fc8/biases'],
        }),
      ),
    ).toEqual(['vgg_16/conv10/w', 'vgg_16/fc8/weights']);
    expect(store.getVariables((name) => name.endsWith('biases')).length).toBe(1);
  });

  it('update ops: replaced by name (older disposed), run in order inside tidy, then cleared', () => {
    const v = store.createVariable('v', tf.zeros([2]));
    const log: string[] = [];
    const held = tf.keep(tf.ones([2]));
    store.addUpdateOp({
      name: 'a',
      run: () => log.push('a-old'),
      dispose: () => log.push('dispose a-old'),
    });
    store.addUpdateOp({
      name: 'b',
      run: () => v.assign(tf.add(v, held)),
      dispose: () => held.dispose(),
    });
    store.addUpdateOp({
      name: 'a',
      run: () => log.push('a'),
      dispose: () => log.push('dispose a'),
    });
    expect(log).toEqual(['dispose a-old']);
    expect(store.getUpdateOps().map((o) => o.name)).toEqual(['b', 'a']);
    const before = tf.memory().numTensors;
    expect(store.runUpdateOps()).toEqual(['b', 'a']);
    expect(Array.from(v.dataSync())).toEqual([1, 1]);
    expect(held.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before - 1);
    expect(store.getUpdateOps()).toEqual([]);
    expect(log).toEqual(['dispose a-old', 'a', 'dispose a']);
    store.addUpdateOp({
      name: 'c',
      run: () => log.push('c'),
      dispose: () => log.push('dispose c'),
    });
    store.clearUpdateOps();
    expect(log.slice(-1)).toEqual(['dispose c']);
    expect(() => store.addUpdateOp({} as never)).toThrow(/addUpdateOp: expected \{name/);
  });

  it('dispose frees every variable and pending op; the store stays usable', () => {
    const start = tf.memory().numTensors;
    variableScope(
      'net',
      () => {
        variable('a', { shape: [3, 3] });
        variable('b', { shape: [3] });
      },
      { store },
    );
    const held = tf.keep(tf.zeros([2]));
    store.addUpdateOp({ name: 'x', run: () => undefined, dispose: () => held.dispose() });
    expect(tf.memory().numTensors).toBe(start + 3);
    store.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(store.size).toBe(0);
    expect(tf.engine().registeredVariables['net/a']).toBeUndefined();
    variableScope('net', () => variable('a', { shape: [1] }), { store });
    expect(store.get('net/a')?.shape).toEqual([1]);
  });

  it('the default store is used when none is named', () => {
    try {
      const v = variableScope('default_test', () => variable('v', { shape: [2] }));
      expect(defaultStore.nameOf(v)).toBe('default_test/v');
    } finally {
      defaultStore.dispose();
    }
  });
});
