// The FileStore interface: the few file operations tfslim's writers and readers need.

/** What a path names, as {@link FileStore.stat} reports it. */
export interface FileStat {
  kind: 'file' | 'directory';
  /** Bytes in a file (0 for a directory). */
  size: number;
  /** Last modification, milliseconds since the epoch. */
  mtimeMs: number;
}

/** An open file of a {@link FileStore}. */
export interface StoreFileHandle {
  /** Reads up to `into.length` bytes at `position` into `into`; returns the count read (0 at the end). */
  read(into: Uint8Array, position: number): Promise<number>;
  /** Writes all of `bytes` at `position`, or at the end of the file when it is omitted. */
  write(bytes: Uint8Array, position?: number): Promise<void>;
  /** Makes what was written durable (fsync where the store has a disk). */
  sync(): Promise<void>;
  /** The file's size in bytes. */
  size(): Promise<number>;
  close(): Promise<void>;
}

/** Path arithmetic of a store: Node's `path` for the Node store, POSIX paths elsewhere. */
export interface StorePath {
  join(...parts: string[]): string;
  dirname(p: string): string;
  basename(p: string): string;
  resolve(p: string): string;
  isAbsolute(p: string): boolean;
}

/**
 * Where tfslim keeps its files: checkpoints (`saveCheckpoint`, `restore`), event files
 * (`SummaryWriter`) and the `train` loop's log directory. Errors carry Node's codes
 * (`error.code === 'ENOENT'`, `'EEXIST'`) whatever the store.
 *
 * @example
 * const store = new MemoryFileStore();
 * await store.mkdir('/ckpt');
 * await store.writeFile('/ckpt/a.txt', new TextEncoder().encode('hi'));
 * (await store.list('/ckpt')); // ['a.txt']
 */
export interface FileStore {
  /** `'node'`, `'memory'`, ... (shown in messages). */
  readonly kind: string;
  readonly path: StorePath;
  /** Creates a directory and its parents; no error when it exists. */
  mkdir(dir: string): Promise<void>;
  /** The whole file; rejects with code ENOENT when it does not exist. */
  readFile(file: string): Promise<Uint8Array>;
  /** Creates or replaces a file (not atomically: see {@link writeFileAtomic}). */
  writeFile(file: string, bytes: Uint8Array): Promise<void>;
  /**
   * `'r'` reads; `'wx'` creates a new file (EEXIST if present); `'ax'` the same, appending;
   * `'a'` appends, creating the file when missing.
   */
  open(file: string, flags: 'r' | 'wx' | 'ax' | 'a'): Promise<StoreFileHandle>;
  /** Renames a file, replacing the target. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; no error when it does not exist. */
  remove(file: string): Promise<void>;
  /** The names in a directory (not paths); rejects with ENOENT when it does not exist. */
  list(dir: string): Promise<string[]>;
  /** What `p` is, or undefined when nothing is there. */
  stat(p: string): Promise<FileStat | undefined>;
  /** Makes renames and removals inside `dir` durable (fsync of the directory on disk). */
  syncDir(dir: string): Promise<void>;
  /**
   * The path with every symbolic link resolved, where the store has links (the file system);
   * absent where it has none (memory, IndexedDB). Readers use it to keep a file that names
   * another file from reaching outside its directory through a link.
   */
  realPath?(p: string): Promise<string>;
  /** Synchronous variants, present where the store can answer at once (Node, memory). */
  readonly sync?: SyncFileStore;
}

/** The synchronous reads and creations some APIs need (`assignFromCheckpointFn`, `new SummaryWriter`). */
export interface SyncFileStore {
  mkdir(dir: string): void;
  readFile(file: string): Uint8Array;
  /** Reads up to `into.length` bytes of `file` at `position`; returns the count read. */
  read(file: string, into: Uint8Array, position: number): number;
  stat(p: string): FileStat | undefined;
  /** Creates `file` exclusively with `bytes` as its content (EEXIST if present). */
  create(file: string, bytes: Uint8Array): void;
}
