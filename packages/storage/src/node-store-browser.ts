// NodeFileStore in a browser build: the same name, refusing to be made.
import type { FileStat, FileStore, StorePath, StoreFileHandle } from './types.js';
import { StoreUnavailableError } from './errors.js';

const fail = (): never => {
  throw new StoreUnavailableError(
    'NodeFileStore: expected Node.js, got a browser. Use new MemoryFileStore() (or defaultFileStore()) in a page.',
  );
};

/** The file-system store; in a browser build its constructor throws (there is no file system). */
export class NodeFileStore implements FileStore {
  readonly kind = 'node';
  declare readonly path: StorePath;
  constructor() {
    fail();
  }
  mkdir(): Promise<void> {
    return fail();
  }
  readFile(): Promise<Uint8Array> {
    return fail();
  }
  writeFile(): Promise<void> {
    return fail();
  }
  open(): Promise<StoreFileHandle> {
    return fail();
  }
  rename(): Promise<void> {
    return fail();
  }
  remove(): Promise<void> {
    return fail();
  }
  list(): Promise<string[]> {
    return fail();
  }
  stat(): Promise<FileStat | undefined> {
    return fail();
  }
  syncDir(): Promise<void> {
    return fail();
  }
}

/** The name event files carry for the machine: `location.hostname` in a page, else `browser`. */
export function hostName(): string {
  const host = (globalThis as { location?: { hostname?: unknown } }).location?.hostname;
  return typeof host === 'string' && host !== '' ? host : 'browser';
}

/** Whether process `pid` runs on this machine: a page cannot tell (always undefined). */
export function processAlive(pid: number): boolean | undefined {
  void pid;
  return undefined;
}
