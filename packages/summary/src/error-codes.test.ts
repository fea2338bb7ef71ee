// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import { isTfslimError } from '@tfslim/errors';
import { FileStoreError, MemoryFileStore } from '@tfslim/storage';
import {
  SummaryArgumentError,
  SummaryWriter,
  SummaryWriterClosedError,
  listEventFiles,
  readEvents,
} from './index.js';
import { thrownBy } from '@tfslim-internal/testing';

it('bad writer arguments throw SummaryArgumentError (INVALID_ARGUMENT) with the same message', async () => {
  const store = new MemoryFileStore();
  const writer = new SummaryWriter('/logs/run', { store });
  const e = thrownBy(() => writer.scalar('', 1, 0));
  expect(e).toBeInstanceOf(SummaryArgumentError);
  expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', name: 'SummaryArgumentError' });
  expect(isTfslimError(e)).toBe(true);
  expect((e as Error).message).toMatch(/^SummaryWriter.scalar: expected a non-empty tag string/);
  expect(() => writer.text('t', 1 as never, 0)).toThrow(SummaryArgumentError);
  await writer.close();
  const closed = thrownBy(() => writer.scalar('loss', 1, 0));
  expect(closed).toBeInstanceOf(SummaryWriterClosedError);
  expect(closed).toMatchObject({ code: 'WRITER_CLOSED' });
});

it('reading a missing path is a FileStoreError with ENOENT, a directory EISDIR', async () => {
  const store = new MemoryFileStore();
  const missing = await readEvents('/nope', { store })
    .next()
    .catch((x: unknown) => x);
  expect(missing).toBeInstanceOf(FileStoreError);
  expect(missing).toMatchObject({ code: 'ENOENT', path: '/nope', operation: 'readEvents' });
  expect((missing as Error).message).toMatch(
    /^readEvents: expected an event file, got no such file/,
  );
  await store.mkdir('/logs');
  await expect(readEvents('/logs', { store }).next()).rejects.toMatchObject({ code: 'EISDIR' });
  await expect(listEventFiles('/nope', { store })).rejects.toMatchObject({
    name: 'FileStoreError',
    code: 'ENOENT',
  });
});
