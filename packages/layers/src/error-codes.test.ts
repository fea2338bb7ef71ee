// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { isTfslimError } from '@tfslim/errors';
import { VariableStore } from '@tfslim/variables';
import { LayerInputError, LayerOptionsError, conv2d, dropout } from './index.js';
import { thrownBy } from '@tfslim-internal/testing';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

it('bad options throw LayerOptionsError (INVALID_ARGUMENT) with the same message', () => {
  const x = tf.zeros([1, 4, 4, 1]);
  const e = thrownBy(() => dropout(x, 0, { isTraining: true }));
  expect(e).toBeInstanceOf(LayerOptionsError);
  expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', name: 'LayerOptionsError' });
  expect(isTfslimError(e)).toBe(true);
  expect((e as Error).message).toMatch(/^dropout: expected keepProb in \(0, 1\], got 0/);
  const store = new VariableStore();
  expect(() => conv2d(x, 2, 3, { padding: 'FULL' as never, store })).toThrow(
    expect.objectContaining({ code: 'INVALID_ARGUMENT', name: 'LayerOptionsError' }),
  );
  store.dispose();
  x.dispose();
});

it('bad inputs throw LayerInputError (INVALID_INPUT)', () => {
  const store = new VariableStore();
  const e = thrownBy(() => conv2d([1, 2] as never, 2, 3, { store }));
  expect(e).toBeInstanceOf(LayerInputError);
  expect(e).toMatchObject({ code: 'INVALID_INPUT', name: 'LayerInputError' });
  expect(isTfslimError(e)).toBe(true);
  store.dispose();
});
