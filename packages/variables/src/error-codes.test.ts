// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import { selectBackend } from '@tfslim/backend-selector';
import { isTfslimError } from '@tfslim/errors';
import {
  ArgScopeError,
  VariableArgumentError,
  VariableError,
  VariableReuseError,
  VariableShapeError,
  VariableStore,
  argScope,
  getUniqueVariable,
  l2Regularizer,
  randomUniformInitializer,
  variable,
  variableScope,
} from './index.js';
import { thrownBy } from '@tfslim-internal/testing';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

it('bad arguments throw VariableArgumentError (INVALID_ARGUMENT) with the same message', () => {
  const e = thrownBy(() => l2Regularizer(-1));
  expect(e).toBeInstanceOf(VariableArgumentError);
  expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', name: 'VariableArgumentError' });
  expect(isTfslimError(e)).toBe(true);
  expect((e as Error).message).toMatch(/^l2Regularizer: expected scale >= 0, got -1/);
  expect(() => randomUniformInitializer({ minval: 1, maxval: 0 })).toThrow(
    expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
  );
});

it('store conflicts carry their codes', () => {
  const store = new VariableStore();
  variableScope('a', () => variable('w', { shape: [1] }), { store });
  const reuse = thrownBy(() =>
    variableScope('b', () => variable('w', { shape: [1] }), { store, reuse: true }),
  );
  expect(reuse).toBeInstanceOf(VariableReuseError);
  expect(reuse).toMatchObject({ code: 'VARIABLE_REUSE', name: 'VariableReuseError' });
  const shape = thrownBy(() =>
    variableScope('a', () => variable('w', { shape: [2] }), { store, reuse: true }),
  );
  expect(shape).toBeInstanceOf(VariableShapeError);
  expect(shape).toMatchObject({ code: 'VARIABLE_SHAPE_MISMATCH' });
  const missing = thrownBy(() => getUniqueVariable('nope', { store }));
  expect(missing).toBeInstanceOf(VariableError);
  expect(missing).toMatchObject({ code: 'VARIABLE_CONFLICT', name: 'VariableError' });
  store.dispose();
});

it('argScope misuse throws ArgScopeError (INVALID_ARG_SCOPE)', () => {
  const e = thrownBy(() => argScope([Math.max as never], {}, () => 0));
  expect(e).toBeInstanceOf(ArgScopeError);
  expect(e).toMatchObject({ code: 'INVALID_ARG_SCOPE', name: 'ArgScopeError' });
  expect(isTfslimError(e)).toBe(true);
});
