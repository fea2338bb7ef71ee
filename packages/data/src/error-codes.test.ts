// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import { isTfslimError } from '@tfslim/errors';
import { MemoryFileStore } from '@tfslim/storage';
import { DataError, tfrecordDataset } from './index.js';

it('DataError is a TfslimError whose code says what went wrong', async () => {
  const store = new MemoryFileStore();
  await store.mkdir('/d');
  const it = tfrecordDataset('/d/train-*', { store })[Symbol.asyncIterator]();
  const e = await it.next().catch((x: unknown) => x);
  expect(e).toBeInstanceOf(DataError);
  expect(e).toMatchObject({ code: 'NOT_FOUND', name: 'DataError', file: '/d/train-*' });
  expect(isTfslimError(e)).toBe(true);
});
