// The next save removes what a killed saver left (dead processes' temporary files, unlisted
// checkpoints) and nothing else.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFileStore, NodeFileStore, type FileStore } from '@tfslim/storage';
import { readCheckpointState, saveCheckpoint } from './index.js';

const DATA = '.data-00000-of-00001';
const vars = (v: number) => ({
  w: { dtype: 'float32' as const, shape: [2], data: new Float32Array([v, -v]) },
});
// A process that has exited (its pid is free), and one that runs (jest's parent).
const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
const livePid = process.ppid;

describe.each<[string, () => { store: FileStore; dir: string; done: () => void }]>([
  ['memory', () => ({ store: new MemoryFileStore(), dir: '/run', done: () => undefined })],
  [
    'node',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-leftovers-'));
      return {
        store: new NodeFileStore(),
        dir,
        done: () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
])('leftovers in a %s store', (_kind, make) => {
  let ctx: ReturnType<typeof make>;
  beforeEach(() => {
    ctx = make();
  });
  afterEach(() => ctx.done());
  const plant = async (names: string[]): Promise<void> => {
    for (const n of names)
      await ctx.store.writeFile(ctx.store.path.join(ctx.dir, n), new Uint8Array(1024));
  };

  it('the next save removes dead processes’ temporary files and unlisted checkpoints, nothing else', async () => {
    const { store, dir } = ctx;
    for (const step of [1, 2, 3, 4])
      await saveCheckpoint(dir, vars(step), { globalStep: step, maxToKeep: 3, store });
    const kept = [
      `model.ckpt-9${DATA}`, // written, then killed before the state listed it: newer, complete
      `model.ckpt-9.index`,
      `checkpoint.tmp-${livePid}-bbbbbbbbbbbb`, // a live process is writing it
      'other.ckpt-1.index', // another saver's prefix
      `other.ckpt-1${DATA}`,
      'train.lock',
    ];
    const leftovers = [
      `model.ckpt-1${DATA}`, // killed while deleting it beyond maxToKeep: data without index
      `model.ckpt-0${DATA}`, // complete but unlisted, older than the newest listed
      'model.ckpt-0.index',
      `model.ckpt-8${DATA}`, // killed between renaming data and index
      `model.ckpt-5${DATA}.tmp-${deadPid}-aaaaaaaaaaaa`, // 1 KB written by a dead process
      `model.ckpt-5.index.tmp-${deadPid}-0123456789ab`,
      `checkpoint.tmp-${deadPid}-cccccccccccc`,
    ];
    await plant([...kept, ...leftovers]);
    await saveCheckpoint(dir, vars(5), { globalStep: 5, maxToKeep: 3, store });
    const listed = (await readCheckpointState(dir, { store }))!.allModelCheckpointPaths;
    expect(listed).toEqual(['model.ckpt-3', 'model.ckpt-4', 'model.ckpt-5']);
    expect((await store.list(dir)).sort()).toEqual(
      [...kept, 'checkpoint', ...listed.flatMap((p) => [`${p}${DATA}`, `${p}.index`])].sort(),
    );
  });

  it('removes no checkpoint when the state file could not be read (it may have lost track of them)', async () => {
    const { store, dir } = ctx;
    await saveCheckpoint(dir, vars(1), { globalStep: 1, store });
    await store.writeFile(
      store.path.join(dir, 'checkpoint'),
      new TextEncoder().encode('garbage {'),
    );
    await plant([
      `model.ckpt-0${DATA}`,
      'model.ckpt-0.index',
      `model.ckpt-5.index.tmp-${deadPid}-0123456789ab`,
    ]);
    await saveCheckpoint(dir, vars(2), { globalStep: 2, store });
    expect((await store.list(dir)).sort()).toEqual(
      [
        'checkpoint',
        'model.ckpt-0.index',
        `model.ckpt-0${DATA}`,
        'model.ckpt-1.index',
        `model.ckpt-1${DATA}`,
        'model.ckpt-2.index',
        `model.ckpt-2${DATA}`,
      ].sort(),
    );
  });
});
