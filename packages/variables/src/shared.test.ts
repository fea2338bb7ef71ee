// A second copy of the package shares scopes, arg scopes, sinks and the default store.
import type * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import * as first from './index.js';

// Node can load the ESM and the CJS build of this package in one process; both copies must
// see the same scopes, arg scopes, loss sinks and stores. jest.isolateModules gives a second,
// independent copy of the modules with the same globalThis: the same situation.
function secondCopy(): typeof first {
  let copy: typeof first | undefined;
  jest.isolateModules(() => {
    copy = jest.requireActual<typeof first>('./index.ts');
  });
  if (!copy || copy === first) throw new Error('expected a second module instance');
  return copy;
}

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

it('a second copy of the package shares scopes, arg scopes, sinks and the default store', () => {
  const second = secondCopy();
  expect(second.variableScope).not.toBe(first.variableScope);
  const layer = first.addArgScope((x: number, o: { k?: number } = {}) => x + (o.k ?? 0), {
    name: 'layer',
    optionsIndex: 1,
  });
  expect(second.isArgScopable(layer)).toBe(true);
  expect(second.argScope([layer], { k: 5 }, () => layer(1))).toBe(6);
  expect(second.variableScope('outer', () => first.currentScopeName())).toBe('outer');
  expect(second.defaultStore).toBe(first.defaultStore);

  const store = new first.VariableStore();
  const losses: string[] = [];
  const sink = {
    addRegularizationLoss: (l: tf.Scalar, name: string) => {
      losses.push(name);
      l.dispose();
    },
  };
  second.withLossSink(sink, () =>
    first.variableScope(
      'net',
      () => first.variable('w', { shape: [2], regularizer: first.l2Regularizer(1) }),
      { store },
    ),
  );
  expect(losses).toEqual(['net/w/Regularizer']);
  expect(second.getVariableFullName(store.get('net/w')!)).toBe('net/w');
  store.dispose();
});
