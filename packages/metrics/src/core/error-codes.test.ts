// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { isTfslimError } from '@tfslim/errors';
import {
  AccuracyMismatchError,
  MetricInputError,
  MetricStateError,
  categoricalAccuracy,
  mean,
} from '../index.js';
import { thrownBy } from '@tfslim-internal/testing';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

it('the accuracy trap is ACCURACY_MISMATCH, still a MetricInputError', () => {
  const m = categoricalAccuracy();
  const [scores, ids] = [tf.zeros([4, 3]), tf.tensor1d([0, 1, 2, 0], 'int32')];
  const e = thrownBy(() => m.update(scores, ids));
  expect(e).toBeInstanceOf(AccuracyMismatchError);
  expect(e).toBeInstanceOf(MetricInputError);
  expect(e).toMatchObject({ code: 'ACCURACY_MISMATCH', name: 'AccuracyMismatchError' });
  expect(isTfslimError(e)).toBe(true);
  tf.dispose([scores, ids]);
  m.dispose();
});

it('bad inputs are INVALID_INPUT and use after dispose is STATE_MISMATCH', () => {
  const m = mean();
  const [v, w] = [tf.zeros([2]), tf.zeros([3])];
  const bad = thrownBy(() => m.update(v, w));
  tf.dispose([v, w]);
  expect(bad).toBeInstanceOf(MetricInputError);
  expect(bad).toMatchObject({ code: 'INVALID_INPUT', name: 'MetricInputError' });
  m.dispose();
  const e = thrownBy(() => m.result());
  expect(e).toBeInstanceOf(MetricStateError);
  expect(e).toMatchObject({ code: 'STATE_MISMATCH', name: 'MetricStateError' });
  expect(isTfslimError(e)).toBe(true);
});
