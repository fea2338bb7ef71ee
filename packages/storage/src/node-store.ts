// The FileStore on Node's file system, durable where it matters: fsync on request, and
// syncDir fsyncs a directory so renames inside it survive a crash.
import * as fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { asFileStoreError, FileStoreError } from './errors.js';
import type { FileStat, FileStore, StoreFileHandle, StorePath, SyncFileStore } from './types.js';

const STORE = 'NodeFileStore';

/** Rejects with the error as a FileStoreError naming the operation and path (Node's write and fsync errors name neither). */
function failed(operation: string, p: string): (e: unknown) => never {
  return (e) => {
    throw asFileStoreError(e, STORE, operation, p);
  };
}

/** Runs a synchronous operation, its error named as {@link failed} does. */
function named<T>(operation: string, p: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    return failed(operation, p)(e);
  }
}

/**
 * Why a recursive mkdir of `dir` failed, found by creating one level at a time: Node's
 * recursive mkdir can report ENOENT for the deepest directory when the real problem is a
 * parent it could not create (no permission, read-only) or a file in the way.
 */
async function mkdirCause(dir: string, original: unknown): Promise<unknown> {
  const chain: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of chain) {
    try {
      await fsp.mkdir(d);
    } catch (e) {
      const st = await fsp.stat(d).catch(() => undefined);
      if (st?.isDirectory()) continue;
      if (st !== undefined) {
        return new FileStoreError(
          'ENOTDIR',
          d,
          `${STORE}.mkdir: expected a directory at ${d} (to create ${dir}), got a file. Use a path whose parents are directories.`,
          { operation: 'mkdir', cause: e },
        );
      }
      return asFileStoreError(e, STORE, 'mkdir', d);
    }
  }
  return asFileStoreError(original, STORE, 'mkdir', dir);
}

function toStat(st: fs.Stats): FileStat {
  return { kind: st.isDirectory() ? 'directory' : 'file', size: st.size, mtimeMs: st.mtimeMs };
}

async function writeAll(fh: FileHandle, bytes: Uint8Array, position: number | null): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const at = position === null ? null : position + done;
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, at);
    // eslint-disable-next-line no-restricted-syntax -- internal assert: Node writes at least a byte or throws
    if (bytesWritten <= 0) throw new Error('write returned 0 bytes');
    done += bytesWritten;
  }
}

/**
 * A {@link FileStore} on the local file system (the default in Node): Node's paths, errors
 * and durability (`sync()` is `fdatasync`, `syncDir()` fsyncs the directory).
 *
 * @example
 * const store = new NodeFileStore();
 * await store.mkdir('/tmp/run');
 */
export class NodeFileStore implements FileStore {
  readonly kind = 'node';
  readonly path: StorePath = path;

  readonly sync: SyncFileStore = {
    mkdir: (dir) => {
      named('mkdir', dir, () => fs.mkdirSync(dir, { recursive: true }));
    },
    readFile: (file) => named('readFile', file, () => fs.readFileSync(file)),
    read: (file, into, position) =>
      named('read', file, () => {
        const fd = fs.openSync(file, 'r');
        try {
          return fs.readSync(fd, into, 0, into.length, position);
        } finally {
          fs.closeSync(fd);
        }
      }),
    stat: (p) => {
      const st = fs.statSync(p, { throwIfNoEntry: false });
      return st === undefined ? undefined : toStat(st);
    },
    create: (file, bytes) =>
      named('create', file, () => {
        const fd = fs.openSync(file, 'ax');
        try {
          let done = 0;
          while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
        } finally {
          fs.closeSync(fd);
        }
      }),
  };

  async mkdir(dir: string): Promise<void> {
    try {
      await fsp.mkdir(dir, { recursive: true });
    } catch (e) {
      throw await mkdirCause(dir, e);
    }
  }

  async readFile(file: string): Promise<Uint8Array> {
    return fsp.readFile(file).catch(failed('readFile', file));
  }

  async writeFile(file: string, bytes: Uint8Array): Promise<void> {
    await fsp.writeFile(file, bytes).catch(failed('writeFile', file));
  }

  async open(file: string, flags: 'r' | 'wx' | 'ax' | 'a'): Promise<StoreFileHandle> {
    const fh = await fsp.open(file, flags).catch(failed('open', file));
    const append = flags === 'ax' || flags === 'a';
    return {
      read: async (into, position) => {
        const { bytesRead } = await fh
          .read(into, 0, into.length, position)
          .catch(failed('read', file));
        return bytesRead;
      },
      write: (bytes, position) =>
        writeAll(fh, bytes, append || position === undefined ? null : position).catch(
          failed('write', file),
        ),
      sync: () => fh.datasync().catch(failed('sync', file)),
      size: async () => (await fh.stat().catch(failed('stat', file))).size,
      close: () => fh.close().catch(failed('close', file)),
    };
  }

  async rename(from: string, to: string): Promise<void> {
    await fsp.rename(from, to).catch((e: unknown) => {
      throw asFileStoreError(e, STORE, 'rename', from, `to ${to}`);
    });
  }

  async remove(file: string): Promise<void> {
    await fsp.rm(file, { force: true }).catch(failed('remove', file));
  }

  async list(dir: string): Promise<string[]> {
    return fsp.readdir(dir).catch(failed('list', dir));
  }

  async stat(p: string): Promise<FileStat | undefined> {
    try {
      return toStat(await fsp.stat(p));
    } catch {
      return undefined;
    }
  }

  async realPath(p: string): Promise<string> {
    return fsp.realpath(p).catch(failed('realpath', p));
  }

  async syncDir(dir: string): Promise<void> {
    let fh: FileHandle | undefined;
    try {
      fh = await fsp.open(dir, 'r');
      await fh.sync();
    } catch (e) {
      // Windows cannot open or fsync directories; renames there are durable on their own.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF')
        throw asFileStoreError(e, STORE, 'syncDir', dir);
    } finally {
      await fh?.close();
    }
  }
}

/** This machine's name (`os.hostname()`), as TensorFlow puts it in event file names. */
export function hostName(): string {
  return os.hostname();
}

/**
 * Whether process `pid` runs on this machine: true, false, or undefined when that cannot be
 * told (in a browser; a pid that is not a positive integer). A process of another user
 * counts as running.
 *
 * @example
 * processAlive(process.pid); // true
 */
export function processAlive(pid: number): boolean | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
