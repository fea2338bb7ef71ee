// Public surface of @tfslim/storage in browsers (the `browser` export condition): the same
// names as index.ts, without Node's file system.
export type { FileStore, FileStat, StoreFileHandle, StorePath, SyncFileStore } from './types.js';
export { MemoryFileStore } from './memory-store.js';
export { IndexedDbFileStore } from './indexeddb-store.js';
export { NodeFileStore, hostName, processAlive } from './node-store-browser.js';
export { defaultFileStore } from './default-browser.js';
export { writeFileAtomic, tempNameFor } from './atomic.js';
export { exportFiles } from './export.js';
export type { ExportedFile } from './export.js';
export {
  FileStoreError,
  StoreUnavailableError,
  asFileStoreError,
  errorCode,
  explainErrorCode,
} from './errors.js';
export { posixPath } from './posix-path.js';
