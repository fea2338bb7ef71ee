// The default store in a browser: one MemoryFileStore per page.
import { MemoryFileStore } from './memory-store.js';
import type { FileStore } from './types.js';

let shared: FileStore | undefined;

/**
 * The store used when none is passed: the file system in Node, one shared
 * {@link MemoryFileStore} per page in a browser.
 *
 * @example
 * const store = defaultFileStore(); // store.kind === 'memory' in a page
 */
export function defaultFileStore(): FileStore {
  shared ??= new MemoryFileStore();
  return shared;
}
