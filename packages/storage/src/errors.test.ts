// What a failed file operation says: which file, what happened (the code and its meaning),
// and what to do, where Node's own errors for write and fsync name no file at all.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStoreError, NodeFileStore, asFileStoreError, processAlive } from './index.js';

const hasDevFull = fs.existsSync('/dev/full');

describe('NodeFileStore errors name the file and the operation', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-storage-errors-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  // /dev/full is a real device whose every write fails with ENOSPC, as a full disk's do.
  (hasDevFull ? it : it.skip)('a write to a full device says ENOSPC and which file', async () => {
    const store = new NodeFileStore();
    const fh = await store.open('/dev/full', 'a');
    const e = await fh.write(new Uint8Array(4096)).catch((x: unknown) => x);
    await fh.close();
    expect(e).toBeInstanceOf(FileStoreError);
    expect(e).toMatchObject({ code: 'ENOSPC', path: '/dev/full', operation: 'write' });
    expect((e as Error).message).toBe(
      'NodeFileStore.write: expected to write /dev/full, got ENOSPC (no space left on the device). Free space on that disk, or write elsewhere.',
    );
    // Node's own error stays reachable.
    expect(((e as Error).cause as Error).message).toMatch(/^ENOSPC/);
  });

  it('mkdir under a file names the file in the way (not a bare ENOENT or ENOTDIR)', async () => {
    const store = new NodeFileStore();
    const file = path.join(root, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    const e = await store.mkdir(path.join(file, 'logs', 'run1')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FileStoreError);
    expect(e).toMatchObject({ code: 'ENOTDIR', path: file, operation: 'mkdir' });
    expect((e as Error).message).toContain(`expected a directory at ${file}`);
    const sync = (() => {
      try {
        store.sync.mkdir(path.join(file, 'x'));
      } catch (x) {
        return x;
      }
      return undefined;
    })();
    expect(sync).toBeInstanceOf(FileStoreError);
    expect(sync).toMatchObject({ code: 'ENOTDIR', operation: 'mkdir' });
  });

  it('open, rename, readFile and list of missing paths keep the ENOENT code and name the path', async () => {
    const store = new NodeFileStore();
    const missing = path.join(root, 'nope');
    for (const [op, run] of [
      ['readFile', () => store.readFile(missing)],
      ['open', () => store.open(missing, 'r')],
      ['list', () => store.list(missing)],
      ['rename', () => store.rename(missing, path.join(root, 'b'))],
    ] as const) {
      const e = await (run as () => Promise<unknown>)().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(FileStoreError);
      expect(e).toMatchObject({ code: 'ENOENT', path: missing, operation: op });
    }
  });
});

describe('asFileStoreError', () => {
  it('turns a pathless coded error into one naming the path; leaves others as they are', () => {
    const raw = Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS' });
    const e = asFileStoreError(raw, 'MyStore', 'open', '/run/x') as FileStoreError;
    expect(e).toBeInstanceOf(FileStoreError);
    expect(e.message).toBe(
      'MyStore.open: expected to open /run/x, got EROFS (a read-only file system). Write to a writable file system.',
    );
    expect(asFileStoreError(e, 'Other', 'write', '/y')).toBe(e);
    const plain = new Error('no code');
    expect(asFileStoreError(plain, 'MyStore', 'open', '/x')).toBe(plain);
  });
});

describe('processAlive', () => {
  it('is true for this process and false for one that has exited', () => {
    expect(processAlive(process.pid)).toBe(true);
    const child = spawnSync(process.execPath, ['-e', '0']);
    expect(processAlive(child.pid)).toBe(false);
    expect(processAlive(0)).toBeUndefined();
    expect(processAlive(-1)).toBeUndefined();
  });
});
