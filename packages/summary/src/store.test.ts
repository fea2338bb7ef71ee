// SummaryWriter and readEvents on FileStores other than the disk: the in-memory store a page
// uses, and a store with asynchronous operations only (the file is created in the background).
import type { FileStore } from '@tfslim/storage';
import { MemoryFileStore } from '@tfslim/storage';
import { collect, readPng } from '../test/helpers';
import { listEventFiles, readEvents } from './read-events';
import { SummaryWriter } from './writer';

function asyncOnly(inner: MemoryFileStore): FileStore {
  return {
    kind: 'async-only',
    path: inner.path,
    mkdir: (d) => inner.mkdir(d),
    readFile: (f) => inner.readFile(f),
    writeFile: (f, b) => inner.writeFile(f, b),
    open: (f, flags) => inner.open(f, flags),
    rename: (a, b) => inner.rename(a, b),
    remove: (f) => inner.remove(f),
    list: (d) => inner.list(d),
    stat: (p) => inner.stat(p),
    syncDir: () => inner.syncDir(),
  };
}

describe.each([
  ['memory', (m: MemoryFileStore): FileStore => m],
  ['async-only', asyncOnly],
])('SummaryWriter in a %s store', (_kind, wrap) => {
  it('writes scalars and an image that readEvents reads back from the store', async () => {
    const mem = new MemoryFileStore();
    const store = wrap(mem);
    const w = new SummaryWriter('/logs/train', { store });
    expect(w.file).toMatch(/^\/logs\/train\/events\.out\.tfevents\.\d+\.[^/]+\.\d+\.\d+$/);
    for (let step = 0; step < 5; step++) w.scalar('loss', 1 / (step + 1), step);
    // A 2x2 RGB image, 0..255 integers.
    w.image(
      'img',
      { shape: [2, 2, 3], data: Uint8Array.from([0, 50, 100, 150, 200, 250, 1, 2, 3, 4, 5, 6]) },
      5,
    );
    await w.close();
    expect(await listEventFiles('/logs', { store })).toEqual([w.file]);
    const events = await collect(readEvents(w.file, { store }));
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    const scalars = events.flatMap((e) =>
      e.values.flatMap((v) => (v.kind === 'scalar' ? [[e.step, v.value]] : [])),
    );
    expect(scalars).toEqual([0, 1, 2, 3, 4].map((s) => [s, Math.fround(1 / (s + 1))]));
    const img = events.flatMap((e) => e.values).find((v) => v.kind === 'image');
    if (img?.kind !== 'image') throw new Error('no image');
    const png = readPng(img.value.images[0]!);
    expect([png.width, png.height, png.channels]).toEqual([2, 2, 3]);
    expect([...png.pixels]).toEqual([0, 50, 100, 150, 200, 250, 1, 2, 3, 4, 5, 6]);
    expect(mem.byteLength).toBeGreaterThan(0);
  });
});

it('readEvents says which store lacks the file', async () => {
  const store = new MemoryFileStore();
  await expect(collect(readEvents('/nope', { store }))).rejects.toThrow(
    'readEvents: expected an event file, got no such file (ENOENT) /nope in the memory store.',
  );
});
