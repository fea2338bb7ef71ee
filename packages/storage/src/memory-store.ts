// An in-memory FileStore: what a page trains into (then downloads), and a fast store for tests.
import { FileStoreError } from './errors.js';
import { posixPath } from './posix-path.js';
import type { FileStat, FileStore, StoreFileHandle, SyncFileStore } from './types.js';

interface MemFile {
  data: Uint8Array;
  length: number;
  mtimeMs: number;
}

/**
 * A {@link FileStore} held in memory, with POSIX paths resolved from `/`. Files live as long
 * as the store; {@link exportFiles} copies them out (e.g. to download from a page).
 *
 * @example
 * const store = new MemoryFileStore();
 * await saveCheckpoint('/train', { w }, { globalStep: 10, store });
 * const files = await exportFiles(store, '/train'); // [{ path: '/train/checkpoint', bytes }, ...]
 */
export class MemoryFileStore implements FileStore {
  readonly kind = 'memory';
  readonly path = posixPath;
  private readonly files = new Map<string, MemFile>();
  private readonly dirs = new Set<string>(['/']);

  readonly sync: SyncFileStore = {
    mkdir: (dir) => this.mkdirNow(dir),
    readFile: (file) => {
      const f = this.fileAt(file);
      return f.data.slice(0, f.length);
    },
    read: (file, into, position) => {
      const f = this.fileAt(file);
      const n = Math.max(0, Math.min(into.length, f.length - position));
      into.set(f.data.subarray(position, position + n));
      return n;
    },
    stat: (p) => this.statNow(p),
    create: (file, bytes) => {
      this.createNow(file);
      const f = this.files.get(posixPath.resolve(file))!;
      this.writeAt(f, bytes, 0);
    },
  };

  /** Total bytes held in files. */
  get byteLength(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.length;
    return n;
  }

  async mkdir(dir: string): Promise<void> {
    this.mkdirNow(dir);
  }

  async readFile(file: string): Promise<Uint8Array> {
    return this.sync.readFile(file);
  }

  async writeFile(file: string, bytes: Uint8Array): Promise<void> {
    const p = this.parentChecked(file);
    this.files.set(p, { data: bytes.slice(), length: bytes.length, mtimeMs: Date.now() });
  }

  async open(file: string, flags: 'r' | 'wx' | 'ax' | 'a'): Promise<StoreFileHandle> {
    const p = posixPath.resolve(file);
    if (flags === 'r' || (flags === 'a' && this.files.has(p))) this.fileAt(p);
    else this.createNow(p);
    const append = flags === 'ax' || flags === 'a';
    let closed = false;
    const live = (): MemFile => {
      if (closed) throw new FileStoreError('EBADF', p, `MemoryFileStore: ${p} is closed.`);
      const f = this.files.get(p);
      if (f === undefined) {
        throw new FileStoreError('ENOENT', p, `MemoryFileStore: ${p} was removed while open.`);
      }
      return f;
    };
    return {
      read: async (into, position) => {
        const f = live();
        const n = Math.max(0, Math.min(into.length, f.length - position));
        into.set(f.data.subarray(position, position + n));
        return n;
      },
      write: async (bytes, position) => {
        if (flags === 'r')
          throw new FileStoreError('EBADF', p, `MemoryFileStore: ${p} is open for reading.`);
        const f = live();
        this.writeAt(f, bytes, position === undefined || append ? f.length : position);
      },
      sync: async () => {
        live();
      },
      size: async () => live().length,
      close: async () => {
        closed = true;
      },
    };
  }

  async rename(from: string, to: string): Promise<void> {
    const a = posixPath.resolve(from);
    const f = this.fileAt(a);
    const b = this.parentChecked(to);
    if (this.dirs.has(b))
      throw new FileStoreError('EISDIR', b, `MemoryFileStore: ${b} is a directory.`);
    this.files.delete(a);
    this.files.set(b, f);
  }

  async remove(file: string): Promise<void> {
    this.files.delete(posixPath.resolve(file));
  }

  async list(dir: string): Promise<string[]> {
    const d = posixPath.resolve(dir);
    if (!this.dirs.has(d)) {
      throw new FileStoreError('ENOENT', d, `MemoryFileStore: no directory ${d}.`);
    }
    const prefix = d === '/' ? '/' : `${d}/`;
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p.length > prefix.length && p.startsWith(prefix))
        names.add(p.slice(prefix.length).split('/')[0]!);
    }
    return [...names].sort();
  }

  async stat(p: string): Promise<FileStat | undefined> {
    return this.statNow(p);
  }

  async syncDir(): Promise<void> {}

  private statNow(p: string): FileStat | undefined {
    const r = posixPath.resolve(p);
    if (this.dirs.has(r)) return { kind: 'directory', size: 0, mtimeMs: 0 };
    const f = this.files.get(r);
    return f === undefined ? undefined : { kind: 'file', size: f.length, mtimeMs: f.mtimeMs };
  }

  private mkdirNow(dir: string): void {
    let d = posixPath.resolve(dir);
    const chain: string[] = [];
    while (!this.dirs.has(d)) {
      if (this.files.has(d))
        throw new FileStoreError('ENOTDIR', d, `MemoryFileStore: ${d} is a file.`);
      chain.push(d);
      d = posixPath.dirname(d);
    }
    for (const c of chain) this.dirs.add(c);
  }

  private createNow(file: string): void {
    const p = this.parentChecked(file);
    if (this.files.has(p) || this.dirs.has(p)) {
      throw new FileStoreError('EEXIST', p, `MemoryFileStore: ${p} already exists.`);
    }
    this.files.set(p, { data: new Uint8Array(64), length: 0, mtimeMs: Date.now() });
  }

  private fileAt(file: string): MemFile {
    const p = posixPath.resolve(file);
    const f = this.files.get(p);
    if (f === undefined) {
      if (this.dirs.has(p))
        throw new FileStoreError('EISDIR', p, `MemoryFileStore: ${p} is a directory.`);
      throw new FileStoreError('ENOENT', p, `MemoryFileStore: no such file ${p}.`);
    }
    return f;
  }

  /** The resolved path, after checking its directory exists. */
  private parentChecked(file: string): string {
    const p = posixPath.resolve(file);
    const dir = posixPath.dirname(p);
    if (!this.dirs.has(dir)) {
      throw new FileStoreError(
        'ENOENT',
        p,
        `MemoryFileStore: no directory ${dir} (mkdir it first).`,
      );
    }
    return p;
  }

  private writeAt(f: MemFile, bytes: Uint8Array, position: number): void {
    const end = position + bytes.length;
    if (end > f.data.length) {
      const grown = new Uint8Array(Math.max(end, f.data.length * 2));
      grown.set(f.data.subarray(0, f.length));
      f.data = grown;
    }
    if (position > f.length) f.data.fill(0, f.length, position);
    f.data.set(bytes, position);
    f.length = Math.max(f.length, end);
    f.mtimeMs = Date.now();
  }
}
