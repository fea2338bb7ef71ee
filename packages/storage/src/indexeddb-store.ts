// A FileStore in the browser's IndexedDB (what a page saved survives a reload); each file is one
// record, written back whole on sync() and close().
import { FileStoreError, StoreUnavailableError } from './errors.js';
import { posixPath } from './posix-path.js';
import type { FileStat, FileStore, StoreFileHandle } from './types.js';

interface Entry {
  path: string;
  kind: 'file' | 'directory';
  data?: Uint8Array;
  mtimeMs: number;
}

const STORE = 'files';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * A {@link FileStore} kept in IndexedDB (browsers only), under database `name`: what a page
 * trained is still there after a reload, and `train` resumes from it. Asynchronous only (no
 * `sync` member). POSIX paths resolved from `/`.
 *
 * @example
 * const fileStore = new IndexedDbFileStore('my-app');
 * await train(trainOp, '/train', { data, numberOfSteps: 1000, fileStore }); // resumes after a reload
 */
export class IndexedDbFileStore implements FileStore {
  readonly kind = 'indexeddb';
  readonly path = posixPath;
  private db: Promise<IDBDatabase> | undefined;

  constructor(readonly name = 'tfslim') {
    if (typeof indexedDB === 'undefined') {
      throw new StoreUnavailableError(
        'IndexedDbFileStore: expected a browser with IndexedDB, got none. Use MemoryFileStore (or NodeFileStore in Node).',
      );
    }
  }

  private open_(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const r = indexedDB.open(this.name, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'path' });
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error ?? new Error(`IndexedDB ${this.name} did not open`));
    });
    return this.db;
  }

  private async tx<T>(
    mode: IDBTransactionMode,
    body: (s: IDBObjectStore) => Promise<T>,
  ): Promise<T> {
    const t = (await this.open_()).transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      t.oncomplete = () => resolve();
      t.onerror = () => reject(t.error ?? new Error('IndexedDB transaction failed'));
      t.onabort = () => reject(t.error ?? new Error('IndexedDB transaction aborted'));
    });
    const out = await body(t.objectStore(STORE));
    await done;
    return out;
  }

  private get(s: IDBObjectStore, p: string): Promise<Entry | undefined> {
    return request(s.get(p) as IDBRequest<Entry | undefined>);
  }

  private async parent(s: IDBObjectStore, p: string): Promise<void> {
    const dir = posixPath.dirname(p);
    if (dir !== '/' && (await this.get(s, dir))?.kind !== 'directory') {
      throw new FileStoreError(
        'ENOENT',
        p,
        `IndexedDbFileStore: no directory ${dir} (mkdir it first).`,
      );
    }
  }

  async mkdir(dir: string): Promise<void> {
    const chain: string[] = [];
    for (let d = posixPath.resolve(dir); d !== '/'; d = posixPath.dirname(d)) chain.push(d);
    await this.tx('readwrite', async (s) => {
      for (const d of chain) {
        const e = await this.get(s, d);
        if (e?.kind === 'file')
          throw new FileStoreError('ENOTDIR', d, `IndexedDbFileStore: ${d} is a file.`);
        if (e === undefined)
          await request(s.put({ path: d, kind: 'directory', mtimeMs: Date.now() }));
      }
    });
  }

  async readFile(file: string): Promise<Uint8Array> {
    const p = posixPath.resolve(file);
    const e = await this.tx('readonly', (s) => this.get(s, p));
    if (e?.kind !== 'file') {
      throw new FileStoreError(
        e ? 'EISDIR' : 'ENOENT',
        p,
        `IndexedDbFileStore: ${e ? `${p} is a directory` : `no such file ${p}`}.`,
      );
    }
    return e.data ?? new Uint8Array(0);
  }

  async writeFile(file: string, bytes: Uint8Array): Promise<void> {
    const p = posixPath.resolve(file);
    await this.tx('readwrite', async (s) => {
      await this.parent(s, p);
      await request(s.put({ path: p, kind: 'file', data: bytes.slice(), mtimeMs: Date.now() }));
    });
  }

  async open(file: string, flags: 'r' | 'wx' | 'ax' | 'a'): Promise<StoreFileHandle> {
    const p = posixPath.resolve(file);
    const existing = await this.tx('readwrite', async (s) => {
      const e = await this.get(s, p);
      if (flags === 'r' || (flags === 'a' && e !== undefined)) {
        if (e?.kind !== 'file') {
          throw new FileStoreError(
            e ? 'EISDIR' : 'ENOENT',
            p,
            `IndexedDbFileStore: no such file ${p}.`,
          );
        }
        return e.data ?? new Uint8Array(0);
      }
      if (e !== undefined)
        throw new FileStoreError('EEXIST', p, `IndexedDbFileStore: ${p} already exists.`);
      await this.parent(s, p);
      await request(s.put({ path: p, kind: 'file', data: new Uint8Array(0), mtimeMs: Date.now() }));
      return new Uint8Array(0);
    });
    let data = existing.slice();
    let length = data.length;
    let dirty = false;
    const append = flags === 'ax' || flags === 'a';
    const flush = async (): Promise<void> => {
      if (!dirty) return;
      const copy = data.slice(0, length);
      await this.tx('readwrite', (s) =>
        request(s.put({ path: p, kind: 'file', data: copy, mtimeMs: Date.now() })),
      );
      dirty = false;
    };
    return {
      read: async (into, position) => {
        const n = Math.max(0, Math.min(into.length, length - position));
        into.set(data.subarray(position, position + n));
        return n;
      },
      write: async (bytes, position) => {
        if (flags === 'r')
          throw new FileStoreError('EBADF', p, `IndexedDbFileStore: ${p} is open for reading.`);
        const at = position === undefined || append ? length : position;
        const end = at + bytes.length;
        if (end > data.length) {
          const grown = new Uint8Array(Math.max(end, data.length * 2, 64));
          grown.set(data.subarray(0, length));
          data = grown;
        }
        data.set(bytes, at);
        length = Math.max(length, end);
        dirty = true;
      },
      sync: flush,
      size: async () => length,
      close: flush,
    };
  }

  async rename(from: string, to: string): Promise<void> {
    const a = posixPath.resolve(from);
    const b = posixPath.resolve(to);
    await this.tx('readwrite', async (s) => {
      const e = await this.get(s, a);
      if (e?.kind !== 'file')
        throw new FileStoreError('ENOENT', a, `IndexedDbFileStore: no such file ${a}.`);
      await this.parent(s, b);
      await request(s.put({ ...e, path: b }));
      await request(s.delete(a));
    });
  }

  async remove(file: string): Promise<void> {
    const p = posixPath.resolve(file);
    await this.tx('readwrite', async (s) => {
      if ((await this.get(s, p))?.kind === 'file') await request(s.delete(p));
    });
  }

  async list(dir: string): Promise<string[]> {
    const d = posixPath.resolve(dir);
    const prefix = d === '/' ? '/' : `${d}/`;
    return this.tx('readonly', async (s) => {
      if (d !== '/' && (await this.get(s, d))?.kind !== 'directory') {
        throw new FileStoreError('ENOENT', d, `IndexedDbFileStore: no directory ${d}.`);
      }
      const keys = (await request(
        s.getAllKeys(IDBKeyRange.bound(prefix, `${prefix}\uffff`)),
      )) as string[];
      const names = new Set<string>();
      for (const k of keys)
        if (k.length > prefix.length) names.add(k.slice(prefix.length).split('/')[0]!);
      return [...names].sort();
    });
  }

  async stat(p: string): Promise<FileStat | undefined> {
    const r = posixPath.resolve(p);
    if (r === '/') return { kind: 'directory', size: 0, mtimeMs: 0 };
    const e = await this.tx('readonly', (s) => this.get(s, r));
    if (e === undefined) return undefined;
    return { kind: e.kind, size: e.data?.length ?? 0, mtimeMs: e.mtimeMs };
  }

  async syncDir(): Promise<void> {}

  /** Deletes the whole database (every file of this store). */
  async destroy(): Promise<void> {
    (await this.db)?.close();
    this.db = undefined;
    await request(indexedDB.deleteDatabase(this.name));
  }
}
