// Durable file writing through a FileStore: temporary name, sync, rename, sync of the directory.

import type { FileStore, SyncFileStore } from '@tfslim/storage';
import { defaultFileStore } from '@tfslim/storage';
import { CheckpointArgumentError } from './errors.js';

export { tempNameFor, writeFileAtomic } from '@tfslim/storage';

/** The store a call uses: the one it was given, else the platform's default. */
export function storeOf(options: { store?: FileStore | undefined } | undefined): FileStore {
  return options?.store ?? defaultFileStore();
}

/** Whether a path exists (any kind). */
export async function exists(store: FileStore, p: string): Promise<boolean> {
  return (await store.stat(p)) !== undefined;
}

/** The synchronous side of a store, or a clear error naming `fn` when it has none. */
export function syncStoreOf(store: FileStore, fn: string): SyncFileStore {
  if (store.sync === undefined) {
    throw new CheckpointArgumentError(
      `${fn}: expected a store with synchronous reads (store.sync), got the ${store.kind} store without one. Use restore() (asynchronous) with this store, or a NodeFileStore / MemoryFileStore.`,
    );
  }
  return store.sync;
}
