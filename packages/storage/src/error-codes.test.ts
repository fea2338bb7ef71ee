// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import { isTfslimError } from '@tfslim/errors';
import {
  FileStoreError,
  IndexedDbFileStore,
  MemoryFileStore,
  StoreUnavailableError,
  exportFiles,
} from './index.js';

it('exportFiles of a missing directory is a FileStoreError with ENOENT and the path', async () => {
  const e = await exportFiles(new MemoryFileStore(), '/nope').catch((x: unknown) => x);
  expect(e).toBeInstanceOf(FileStoreError);
  expect(e).toMatchObject({ code: 'ENOENT', path: '/nope', operation: 'exportFiles' });
  expect(isTfslimError(e)).toBe(true);
  expect((e as Error).message).toMatch(/^exportFiles: expected a directory in the memory store/);
});

it('exportFiles of a file is ENOTDIR', async () => {
  const store = new MemoryFileStore();
  await store.writeFile('/f', Uint8Array.of(1));
  await expect(exportFiles(store, '/f')).rejects.toMatchObject({ code: 'ENOTDIR', path: '/f' });
});

it('a store that cannot work here throws StoreUnavailableError', () => {
  expect(() => new IndexedDbFileStore('x')).toThrow(StoreUnavailableError);
  expect(() => new IndexedDbFileStore('x')).toThrow(
    expect.objectContaining({ code: 'STORE_UNAVAILABLE', name: 'StoreUnavailableError' }),
  );
});

it('FileStoreError keeps Node codes as its code', () => {
  const e = new FileStoreError('ENOSPC', '/x', 'm', { operation: 'write' });
  expect(isTfslimError(e)).toBe(true);
  expect(e).toMatchObject({
    code: 'ENOSPC',
    path: '/x',
    operation: 'write',
    name: 'FileStoreError',
  });
});
