// Public surface of @tfslim/storage (Node build; index.browser.ts is the browser build of the
// same names): everything users may import is listed here.
export type { FileStore, FileStat, StoreFileHandle, StorePath, SyncFileStore } from './types.js';
export { MemoryFileStore } from './memory-store.js';
export { IndexedDbFileStore } from './indexeddb-store.js';
export { NodeFileStore, hostName, processAlive } from './node-store.js';
export { defaultFileStore } from './default-node.js';
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
