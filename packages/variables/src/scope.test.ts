// variableScope: naming, reuse and variable options.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  VariableReuseError,
  VariableShapeError,
  VariableStore,
  currentReuse,
  currentScopeName,
  currentStore,
  defaultStore,
  variable,
  variableScope,
  withVariableStore,
} from './index.js';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

let store: VariableStore;
beforeEach(() => {
  store = new VariableStore();
});
afterEach(() => store.dispose());

describe('variableScope naming', () => {
  it('nests names: vgg_16/conv1/conv1_1/weights', () => {
    const w = variableScope(
      'vgg_16',
      () =>
        variableScope('conv1', () =>
          variableScope('conv1_1', (sc) => {
            expect(sc.name).toBe('vgg_16/conv1/conv1_1');
            expect(currentScopeName()).toBe('vgg_16/conv1/conv1_1');
            return variable('weights', { shape: [3, 3, 3, 64] });
          }),
        ),
      { store },
    );
    expect(store.nameOf(w)).toBe('vgg_16/conv1/conv1_1/weights');
    expect(w.shape).toEqual([3, 3, 3, 64]);
    expect(currentScopeName()).toBe('');
  });

  it('a name with slashes opens several levels at once', () => {
    const w = variableScope('a/b', () => variable('w', { shape: [1] }), { store });
    expect(store.nameOf(w)).toBe('a/b/w');
  });

  it('default names are unique among siblings and restart when the parent is re-entered', () => {
    const build = () =>
      variableScope(
        'net',
        () => {
          const names: string[] = [];
          variableScope(null, (sc) => names.push(sc.name), { defaultName: 'Conv' });
          variableScope('Conv_1', (sc) => names.push(sc.name));
          variableScope(null, (sc) => names.push(sc.name), { defaultName: 'Conv' });
          variableScope(null, (sc) => names.push(sc.name), { defaultName: 'fully_connected' });
          return names;
        },
        { store },
      );
    const expected = ['net/Conv', 'net/Conv_1', 'net/Conv_2', 'net/fully_connected'];
    expect(build()).toEqual(expected);
    expect(build()).toEqual(expected);
  });

  it('at the root default names keep counting (TF1 graph) unless a call is wrapped', () => {
    const name = () => variableScope(null, (sc) => sc.name, { defaultName: 'Conv', store });
    expect([name(), name()]).toEqual(['Conv', 'Conv_1']);
    const call = () => withVariableStore(store, () => [name(), name()]);
    expect(call()).toEqual(['Conv', 'Conv_1']);
    expect(call()).toEqual(['Conv', 'Conv_1']);
  });

  it('withVariableStore and variableScope({store}) pass the store down', () => {
    expect(currentStore()).toBe(defaultStore);
    withVariableStore(store, () => {
      expect(currentStore()).toBe(store);
      variableScope('inner', () => expect(currentStore()).toBe(store));
    });
    const v = withVariableStore(store, () =>
      variableScope('s', () => variable('v', { shape: [] })),
    );
    expect(store.has('s/v')).toBe(true);
    expect(defaultStore.has('s/v')).toBe(false);
    expect(v.shape).toEqual([]);
  });

  it('leaves the scope when the body throws', () => {
    expect(() =>
      variableScope('boom', () => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(currentScopeName()).toBe('');
  });

  it('rejects bad scope names and a missing name', () => {
    expect(() => variableScope('a b', () => 0)).toThrow(
      /variableScope: expected the scope name .*got "a b"/,
    );
    expect(() => variableScope('/a', () => 0)).toThrow(/got "\/a"/);
    expect(() => variableScope(null, () => 0)).toThrow(
      /expected a scope name or options.defaultName/,
    );
    expect(() => variable('bad name', { shape: [1] })).toThrow(
      /variable: expected a variable name/,
    );
  });
});

describe('reuse', () => {
  const model = () =>
    variableScope('net', () => variableScope('fc', () => variable('w', { shape: [4, 2] })), {
      store,
    });

  it("'auto' (default): the first call creates, later calls reuse the same variable", () => {
    const a = model();
    const b = model();
    expect(a).toBe(b);
    expect(store.size).toBe(1);
    expect(currentReuse()).toBe('auto');
  });

  it('two layers asking for the same name in one call is an error', () => {
    const twice = () =>
      variableScope(
        'net',
        () => {
          variableScope('fc', () => variable('w', { shape: [4, 2] }));
          variableScope('fc', () => variable('w', { shape: [4, 2] }));
        },
        { store },
      );
    expect(twice).toThrow(VariableReuseError);
    expect(twice).toThrow(/'net\/fc\/w' to be requested once per model call.*reuse: true/);
  });

  it('reuse: true shares on purpose, and requires the variable to exist', () => {
    const siamese = () =>
      variableScope(
        'net',
        () => {
          const a = variableScope('tower', () => variable('w', { shape: [2] }));
          const b = variableScope('tower', () => variable('w', { shape: [2] }), { reuse: true });
          return [a, b];
        },
        { store },
      );
    const [a, b] = siamese();
    expect(a).toBe(b);
    expect(() =>
      variableScope('other', () => variable('w', { shape: [2] }), { store, reuse: true }),
    ).toThrow(/expected an existing variable 'other\/w' \(the scope has reuse: true\), got none/);
  });

  it('reuse: false requires a new variable', () => {
    model();
    expect(() =>
      variableScope('net', () => variableScope('fc', () => variable('w', { shape: [4, 2] })), {
        store,
        reuse: false,
      }),
    ).toThrow(
      /expected no variable 'net\/fc\/w' \(the scope has reuse: false\), got an existing one of shape \[4,2\]/,
    );
  });

  it('the same name with another shape or dtype names both', () => {
    model();
    const wrong = () =>
      variableScope('net', () => variableScope('fc', () => variable('w', { shape: [5, 2] })), {
        store,
      });
    expect(wrong).toThrow(VariableShapeError);
    expect(wrong).toThrow(
      /expected shape \[4,2\] \(float32\) for the existing variable 'net\/fc\/w', got a request for \[5,2\] \(float32\)/,
    );
    try {
      wrong();
    } catch (e) {
      expect((e as VariableShapeError).expected.shape).toEqual([4, 2]);
      expect((e as VariableShapeError).received.shape).toEqual([5, 2]);
    }
    expect(() =>
      variableScope(
        'net',
        () => variableScope('fc', () => variable('w', { shape: [4, 2], dtype: 'int32' })),
        {
          store,
        },
      ),
    ).toThrow(/\[4,2\] \(float32\).*\[4,2\] \(int32\)/);
  });

  it('no tensors are created when a variable is reused', () => {
    model();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) model();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('variable options', () => {
  it('checks shape, dtype and initializer output', () => {
    withVariableStore(store, () => {
      expect(() => variable('a', { shape: [2, -1] })).toThrow(
        /options.shape of 'a' to be an array of non-negative integers, got \[2,-1\]/,
      );
      expect(() => variable('b', { shape: [2], dtype: 'complex64' as never })).toThrow(
        /one of float32, int32, bool, got 'complex64'/,
      );
      expect(() => variable('c', { shape: [2], initializer: () => tf.zeros([3]) })).toThrow(
        /initial value of 'c' to have shape \[2\], got \[3\]/,
      );
      expect(() => variable('d', undefined as never)).toThrow(/expected an options object/);
    });
    expect(store.size).toBe(0);
  });

  it('initializer forms: function, number, tensor; int32 defaults to zeros', () => {
    withVariableStore(store, () => {
      const t = tf.tensor([1, 2, 3]);
      expect(Array.from(variable('t', { shape: [3], initializer: t }).dataSync())).toEqual([
        1, 2, 3,
      ]);
      t.dispose();
      expect(Array.from(variable('n', { shape: [2], initializer: 7 }).dataSync())).toEqual([7, 7]);
      const i = variable('i', { shape: [2], dtype: 'int32' });
      expect(i.dtype).toBe('int32');
      expect(Array.from(i.dataSync())).toEqual([0, 0]);
      const c = variable('c', {
        shape: [2],
        dtype: 'int32',
        initializer: () => tf.tensor([1.7, 2.2]),
      });
      expect(c.dtype).toBe('int32');
    });
  });
});
