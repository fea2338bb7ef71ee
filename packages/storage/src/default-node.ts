// The default store in Node: the file system.
import { NodeFileStore } from './node-store.js';
import type { FileStore } from './types.js';

let shared: FileStore | undefined;

/**
 * The store used when none is passed: the file system in Node ({@link NodeFileStore}), one
 * shared {@link MemoryFileStore} per page in a browser.
 *
 * @example
 * const store = defaultFileStore(); // store.kind === 'node' under Node
 */
export function defaultFileStore(): FileStore {
  shared ??= new NodeFileStore();
  return shared;
}
