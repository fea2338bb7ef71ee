// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { isTfslimError } from '@tfslim/errors';
import {
  EmptyLossCollectionError,
  LossCollection,
  LossInputError,
  meanSquaredError,
} from './index.js';
import { thrownBy } from '@tfslim-internal/testing';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

it('bad loss inputs throw LossInputError (INVALID_INPUT)', () => {
  const [a, b] = [tf.zeros([2, 3]), tf.zeros([3, 2])];
  const e = thrownBy(() => meanSquaredError(a, b));
  expect(e).toBeInstanceOf(LossInputError);
  expect(e).toMatchObject({ code: 'INVALID_INPUT', name: 'LossInputError' });
  expect(e).toMatchObject({ functionName: 'meanSquaredError' });
  expect(isTfslimError(e)).toBe(true);
  tf.dispose([a, b]);
});

it('an empty collection throws EmptyLossCollectionError (EMPTY_LOSS_COLLECTION)', () => {
  const e = thrownBy(() => new LossCollection().getTotalLoss());
  expect(e).toBeInstanceOf(EmptyLossCollectionError);
  expect(e).toMatchObject({ code: 'EMPTY_LOSS_COLLECTION', name: 'EmptyLossCollectionError' });
  expect(isTfslimError(e)).toBe(true);
});
