// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { isTfslimError } from '@tfslim/errors';
import { MemoryFileStore } from '@tfslim/storage';
import {
  CheckpointArgumentError,
  CheckpointError,
  CheckpointNotFoundError,
  CheckpointReader,
  RestoreError,
  mapVariableNames,
  restore,
  saveCheckpoint,
} from './index.js';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

it('bad arguments throw CheckpointArgumentError (INVALID_ARGUMENT) with the same message', async () => {
  const store = new MemoryFileStore();
  const w = tf.zeros([2]);
  const e = await saveCheckpoint('/run', { w }, { maxToKeep: -1, store }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(CheckpointArgumentError);
  expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', name: 'CheckpointArgumentError' });
  expect(isTfslimError(e)).toBe(true);
  expect((e as Error).message).toMatch(
    /^saveCheckpoint: expected maxToKeep a non-negative integer/,
  );
  expect(() => mapVariableNames([w as never], (n) => n)).toThrow(CheckpointArgumentError);
  w.dispose();
});

it('file errors keep their codes and are TfslimErrors', async () => {
  const store = new MemoryFileStore();
  const e = await CheckpointReader.open('/nope/model.ckpt', { store }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(CheckpointNotFoundError);
  expect(e).toBeInstanceOf(CheckpointError);
  expect(e).toMatchObject({ code: 'NOT_FOUND', name: 'CheckpointNotFoundError' });
  expect(isTfslimError(e)).toBe(true);
});

it('a refused restore is RESTORE_MISMATCH', async () => {
  const store = new MemoryFileStore();
  const w = tf.variable(tf.zeros([2]), true, 'w_error_codes');
  const prefix = await saveCheckpoint('/run', { w }, { store });
  const v = tf.variable(tf.zeros([3]), true, 'v_error_codes');
  const e = await restore(prefix, { w: v }, { store }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(RestoreError);
  expect(e).toMatchObject({ code: 'RESTORE_MISMATCH', name: 'RestoreError' });
  expect(isTfslimError(e)).toBe(true);
  tf.dispose([w, v]);
});
