// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { isTfslimError } from '@tfslim/errors';
import { VariableStore } from '@tfslim/variables';
import { VggInputError, VggOptionsError, vgg16, vggArgScope } from './index.js';
import { thrownBy } from '@tfslim-internal/testing';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

it('bad options throw VggOptionsError (INVALID_ARGUMENT) with the same message', () => {
  const store = new VariableStore();
  const x = tf.zeros([1, 32, 32, 3]);
  const e = thrownBy(() => vgg16(x, { dropoutKeepProb: 0, store }));
  expect(e).toBeInstanceOf(VggOptionsError);
  expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', name: 'VggOptionsError' });
  expect(isTfslimError(e)).toBe(true);
  expect((e as Error).message).toMatch(/^vgg16: expected options.dropoutKeepProb in \(0, 1\]/);
  expect(() => vggArgScope({ weightDecay: -1 })).toThrow(VggOptionsError);
  x.dispose();
  store.dispose();
});

it('images the net cannot take throw VggInputError (INVALID_INPUT)', () => {
  const store = new VariableStore();
  const x = tf.zeros([224, 224, 3]);
  const e = thrownBy(() => vgg16(x, { store }));
  expect(e).toBeInstanceOf(VggInputError);
  expect(e).toMatchObject({ code: 'INVALID_INPUT', name: 'VggInputError' });
  expect(isTfslimError(e)).toBe(true);
  x.dispose();
  store.dispose();
});
