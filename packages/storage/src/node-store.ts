// The FileStore on Node's file system, durable where it matters: fsync on request, and
// syncDir fsyncs a directory so renames inside it survive a crash.
import * as fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileStat, FileStore, StoreFileHandle, StorePath, SyncFileStore } from './types.js';

function toStat(st: fs.Stats): FileStat {
  return { kind: st.isDirectory() ? 'directory' : 'file', size: st.size, mtimeMs: st.mtimeMs };
}

async function writeAll(fh: FileHandle, bytes: Uint8Array, position: number | null): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const at = position === null ? null : position + done;
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, at);
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
      fs.mkdirSync(dir, { recursive: true });
    },
    readFile: (file) => fs.readFileSync(file),
    read: (file, into, position) => {
      const fd = fs.openSync(file, 'r');
      try {
        return fs.readSync(fd, into, 0, into.length, position);
      } finally {
        fs.closeSync(fd);
      }
    },
    stat: (p) => {
      const st = fs.statSync(p, { throwIfNoEntry: false });
      return st === undefined ? undefined : toStat(st);
    },
    create: (file, bytes) => {
      const fd = fs.openSync(file, 'ax');
      try {
        let done = 0;
        while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
      } finally {
        fs.closeSync(fd);
      }
    },
  };

  async mkdir(dir: string): Promise<void> {
    await fsp.mkdir(dir, { recursive: true });
  }

  async readFile(file: string): Promise<Uint8Array> {
    return fsp.readFile(file);
  }

  async writeFile(file: string, bytes: Uint8Array): Promise<void> {
    await fsp.writeFile(file, bytes);
  }

  async open(file: string, flags: 'r' | 'wx' | 'ax' | 'a'): Promise<StoreFileHandle> {
    const fh = await fsp.open(file, flags);
    const append = flags === 'ax' || flags === 'a';
    return {
      read: async (into, position) => {
        const { bytesRead } = await fh.read(into, 0, into.length, position);
        return bytesRead;
      },
      write: (bytes, position) =>
        writeAll(fh, bytes, append || position === undefined ? null : position),
      sync: () => fh.datasync(),
      size: async () => (await fh.stat()).size,
      close: () => fh.close(),
    };
  }

  async rename(from: string, to: string): Promise<void> {
    await fsp.rename(from, to);
  }

  async remove(file: string): Promise<void> {
    await fsp.rm(file, { force: true });
  }

  async list(dir: string): Promise<string[]> {
    return fsp.readdir(dir);
  }

  async stat(p: string): Promise<FileStat | undefined> {
    try {
      return toStat(await fsp.stat(p));
    } catch {
      return undefined;
    }
  }

  async syncDir(dir: string): Promise<void> {
    let fh: FileHandle | undefined;
    try {
      fh = await fsp.open(dir, 'r');
      await fh.sync();
    } catch (e) {
      // Windows cannot open or fsync directories; renames there are durable on their own.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw e;
    } finally {
      await fh?.close();
    }
  }
}

/** This machine's name (`os.hostname()`), as TensorFlow puts it in event file names. */
export function hostName(): string {
  return os.hostname();
}
