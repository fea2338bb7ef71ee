// posixPath and the stores (memory, Node): the FileStore contract.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MemoryFileStore,
  NodeFileStore,
  defaultFileStore,
  errorCode,
  exportFiles,
  posixPath,
  writeFileAtomic,
} from './index.js';
import type { FileStore } from './index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('posixPath', () => {
  it('joins, splits and resolves like path.posix', () => {
    for (const parts of [
      ['/a', 'b/', '../c'],
      ['a', '.', 'b'],
      ['/', 'x'],
      ['a/b', '../../..'],
    ]) {
      expect(posixPath.join(...parts)).toBe(path.posix.join(...parts));
    }
    for (const p of ['/a/b/c', '/a', '/', 'a/b', 'a', '/a/b/']) {
      expect(posixPath.dirname(p)).toBe(path.posix.dirname(p));
      expect(posixPath.basename(p)).toBe(path.posix.basename(p));
      expect(posixPath.resolve(p)).toBe(path.posix.resolve('/', p));
    }
  });
});

describe.each<[string, () => { store: FileStore; root: string; done: () => void }]>([
  ['memory', () => ({ store: new MemoryFileStore(), root: '/work', done: () => undefined })],
  [
    'node',
    () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-storage-'));
      return {
        store: new NodeFileStore(),
        root,
        done: () => fs.rmSync(root, { recursive: true, force: true }),
      };
    },
  ],
])('%s store', (_kind, make) => {
  let ctx: ReturnType<typeof make>;
  beforeEach(() => {
    ctx = make();
  });
  afterEach(() => ctx.done());

  it('creates, appends, reads at positions, renames, lists and removes', async () => {
    const { store, root } = ctx;
    const dir = store.path.join(root, 'a', 'b');
    await store.mkdir(dir);
    await store.mkdir(dir); // again: fine
    const f = store.path.join(dir, 'f.bin');
    const h = await store.open(f, 'ax');
    await h.write(Uint8Array.of(1, 2, 3));
    await h.write(Uint8Array.of(4, 5));
    await h.sync();
    expect(await h.size()).toBe(5);
    await h.close();
    const w = await store.open(store.path.join(dir, 'g.bin'), 'wx');
    await w.write(Uint8Array.of(9, 9), 4); // a hole of zeros before
    await w.close();
    expect([...(await store.readFile(store.path.join(dir, 'g.bin')))]).toEqual([0, 0, 0, 0, 9, 9]);
    await expect(store.open(f, 'wx')).rejects.toMatchObject({ code: 'EEXIST' });
    const ap = await store.open(f, 'a');
    await ap.write(Uint8Array.of(6), 0); // appends whatever the position
    await ap.close();
    expect(await store.stat(f)).toMatchObject({ size: 6 });
    await store.writeFile(f, Uint8Array.of(1, 2, 3, 4, 5));
    const r = await store.open(f, 'r');
    const into = new Uint8Array(4);
    expect(await r.read(into, 3)).toBe(2);
    expect([...into.subarray(0, 2)]).toEqual([4, 5]);
    expect(await r.read(into, 5)).toBe(0);
    await r.close();
    expect(await store.list(dir)).toEqual(['f.bin', 'g.bin']);
    expect((await store.list(store.path.join(root, 'a'))).sort()).toEqual(['b']);
    expect(await store.stat(f)).toMatchObject({ kind: 'file', size: 5 });
    expect(await store.stat(dir)).toMatchObject({ kind: 'directory' });
    expect(await store.stat(store.path.join(dir, 'nope'))).toBeUndefined();
    await store.rename(f, store.path.join(dir, 'g.bin'));
    expect([...(await store.readFile(store.path.join(dir, 'g.bin')))]).toEqual([1, 2, 3, 4, 5]);
    await store.remove(store.path.join(dir, 'g.bin'));
    await store.remove(store.path.join(dir, 'g.bin')); // absent: fine
    expect(await store.list(dir)).toEqual([]);
    let code: string | undefined;
    await store.readFile(f).catch((e: unknown) => (code = errorCode(e)));
    expect(code).toBe('ENOENT');
    await expect(store.list(store.path.join(root, 'none'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('writes atomically (no temporary file left) and synchronously', async () => {
    const { store, root } = ctx;
    await store.mkdir(root);
    const t = store.path.join(root, 'state');
    await writeFileAtomic(store, t, enc.encode('one'));
    await writeFileAtomic(store, t, enc.encode('two'));
    expect(dec.decode(await store.readFile(t))).toBe('two');
    expect(await store.list(root)).toEqual(['state']);
    const s = store.sync!;
    s.mkdir(store.path.join(root, 'x', 'y'));
    s.create(store.path.join(root, 'x', 'y', 'z'), enc.encode('zz'));
    expect(() => s.create(store.path.join(root, 'x', 'y', 'z'), enc.encode('!'))).toThrow();
    expect(dec.decode(s.readFile(store.path.join(root, 'x', 'y', 'z')))).toBe('zz');
    expect(s.stat(store.path.join(root, 'x'))?.kind).toBe('directory');
    const two = new Uint8Array(4);
    expect(s.read(store.path.join(root, 'x', 'y', 'z'), two, 1)).toBe(1);
    expect(two[0]).toBe('z'.charCodeAt(0));
  });

  it('exports every file under a directory, recursively', async () => {
    const { store, root } = ctx;
    await store.mkdir(store.path.join(root, 'run', 'eval'));
    await store.writeFile(store.path.join(root, 'run', 'a'), enc.encode('A'));
    await store.writeFile(store.path.join(root, 'run', 'eval', 'b'), enc.encode('BB'));
    const files = await exportFiles(store, store.path.join(root, 'run'));
    expect(files.map((f) => [f.name, dec.decode(f.bytes)])).toEqual([
      ['a', 'A'],
      ['eval/b', 'BB'],
    ]);
    await expect(exportFiles(store, store.path.join(root, 'run', 'a'))).rejects.toThrow(
      /exportFiles: expected a directory in the \w+ store, got a file/,
    );
  });
});

describe('MemoryFileStore', () => {
  it('needs the directory to exist, as a disk does', async () => {
    const store = new MemoryFileStore();
    await expect(store.writeFile('/no/such', Uint8Array.of(1))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    await store.mkdir('/d');
    await store.writeFile('/d/f', Uint8Array.of(1, 2));
    expect(store.byteLength).toBe(2);
  });

  it('is not the default in Node', () => {
    expect(defaultFileStore().kind).toBe('node');
    expect(defaultFileStore()).toBe(defaultFileStore());
  });
});
