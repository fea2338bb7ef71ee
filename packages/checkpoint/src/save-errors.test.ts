// A save the file system refuses (full disk, read-only, a file in the way) is a
// CheckpointWriteError naming the file, the cause and the intact checkpoint.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStoreError, MemoryFileStore, type StoreFileHandle } from '@tfslim/storage';
import {
  CheckpointReader,
  CheckpointWriteError,
  latestCheckpoint,
  saveCheckpoint,
} from './index.js';

const vars = (v: number) => ({
  w: { dtype: 'float32' as const, shape: [3], data: new Float32Array([v, v, v]) },
});

function nodeError(code: string, text: string, syscall: string): Error {
  return Object.assign(new Error(`${code}: ${text}, ${syscall}`), { code, syscall });
}

/** A memory store whose writes (or exclusive creates) fail like Node's once `failing` is set. */
class FailingStore extends MemoryFileStore {
  failing: 'ENOSPC' | 'EROFS' | null = null;
  override async open(file: string, flags: 'r' | 'wx' | 'ax' | 'a'): Promise<StoreFileHandle> {
    if (this.failing === 'EROFS' && flags !== 'r')
      throw nodeError('EROFS', 'read-only file system', 'open');
    const fh = await super.open(file, flags);
    return {
      ...fh,
      write: async (bytes, position) => {
        if (this.failing === 'ENOSPC')
          throw nodeError('ENOSPC', 'no space left on device', 'write');
        return fh.write(bytes, position);
      },
    };
  }
}

describe('saveCheckpoint when the file system refuses', () => {
  it.each(['ENOSPC', 'EROFS'] as const)(
    '%s: a CheckpointWriteError naming the checkpoint, the code and the intact previous checkpoint',
    async (code) => {
      const store = new FailingStore();
      await saveCheckpoint('/run', vars(10), { globalStep: 10, store });
      store.failing = code;
      const e = await saveCheckpoint('/run', vars(20), { globalStep: 20, store }).catch(
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(CheckpointWriteError);
      const w = e as CheckpointWriteError;
      expect(w).toMatchObject({
        code: 'WRITE_FAILED',
        storeCode: code,
        intact: '/run/model.ckpt-10',
        file: '/run/model.ckpt-20',
      });
      const what = code === 'ENOSPC' ? 'no space left on the device' : 'a read-only file system';
      expect(w.message).toBe(
        `saveCheckpoint: /run/model.ckpt-20: expected to write checkpoint /run/model.ckpt-20, got ${code} (${what}). ` +
          `The latest checkpoint, /run/model.ckpt-10, is intact. ${code === 'ENOSPC' ? 'Free space on that disk, or write elsewhere' : 'Write to a writable file system'}, then save again`,
      );
      expect((w.cause as Error).message).toMatch(new RegExp(`^${code}:`));
      // It is: still the latest, still loadable, and the failed save left no files behind.
      store.failing = null;
      expect(await latestCheckpoint('/run', { store })).toBe('/run/model.ckpt-10');
      const r = await CheckpointReader.open('/run/model.ckpt-10', { store });
      expect(Array.from((await r.getRaw('w')).data as Float32Array)).toEqual([10, 10, 10]);
      expect((await store.list('/run')).filter((f) => f.includes('ckpt-20'))).toEqual([]);
    },
  );

  it('a directory under a file (as read-only as it gets for root): names the file in the way', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-save-errors-'));
    try {
      const file = path.join(root, 'not-a-dir');
      fs.writeFileSync(file, 'x');
      const e = await saveCheckpoint(path.join(file, 'run'), vars(1), { globalStep: 1 }).catch(
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(CheckpointWriteError);
      expect(e).toMatchObject({ storeCode: 'ENOTDIR', file, intact: null });
      expect((e as Error).message).toContain('There was no earlier checkpoint in that directory');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('a store error with a path names that file', async () => {
    class NoAccess extends MemoryFileStore {
      override async open(file: string, flags: 'r' | 'wx' | 'ax' | 'a'): Promise<StoreFileHandle> {
        if (file.includes('.index')) throw new FileStoreError('EACCES', file, 'denied');
        return super.open(file, flags);
      }
    }
    const e = await saveCheckpoint('/run', vars(1), { globalStep: 1, store: new NoAccess() }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(CheckpointWriteError);
    expect((e as CheckpointWriteError).file).toMatch(
      /^\/run\/model\.ckpt-1\.index\.tmp-\d+-[0-9a-f]{12}$/,
    );
    expect(e).toMatchObject({ storeCode: 'EACCES' });
  });
});
