// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { isTfslimError } from '@tfslim/errors';
import { VariableStore, variable } from '@tfslim/variables';
import {
  LearningError,
  LogdirLockedError,
  NonFiniteLossError,
  createTrainOp,
  exponentialDecay,
} from './index.js';
import { thrownBy } from '@tfslim-internal/testing';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

it('bad arguments throw LearningError (INVALID_ARGUMENT)', () => {
  const e = thrownBy(() => exponentialDecay(0.1, { decaySteps: 0, decayRate: 0.5 }));
  expect(e).toBeInstanceOf(LearningError);
  expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', name: 'LearningError' });
  expect(isTfslimError(e)).toBe(true);
  expect((e as Error).message).toMatch(/^exponentialDecay: expected decaySteps a positive number/);
});

it('a NaN loss is NON_FINITE_LOSS', () => {
  const store = new VariableStore();
  const trainOp = createTrainOp(
    () => tf.sum(tf.mul(variable('w', { shape: [1], initializer: 1 }), NaN)),
    tf.train.sgd(0.1),
    { store },
  );
  const e = thrownBy(() => trainOp().dispose());
  expect(e).toBeInstanceOf(NonFiniteLossError);
  expect(e).toMatchObject({ code: 'NON_FINITE_LOSS', name: 'NonFiniteLossError', globalStep: 0 });
  expect(isTfslimError(e)).toBe(true);
  store.dispose();
});

it('a held logdir is LOGDIR_LOCKED, still a LearningError', () => {
  const e = new LogdirLockedError('/run/train.lock', null, 'its holder is alive');
  expect(e).toBeInstanceOf(LearningError);
  expect(e).toMatchObject({ code: 'LOGDIR_LOCKED', name: 'LogdirLockedError' });
  expect(isTfslimError(e)).toBe(true);
});
