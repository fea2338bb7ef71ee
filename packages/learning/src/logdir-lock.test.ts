// One trainer per logdir: a second train() is refused naming the first, a dead process's lock is
// taken over, the lock goes when train ends or fails (two real processes: processes.test.ts).
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { CheckpointWriteError, readCheckpointState } from '@tfslim/checkpoint';
import { fullyConnected } from '@tfslim/layers';
import { meanSquaredError } from '@tfslim/losses';
import { MemoryFileStore, type StoreFileHandle } from '@tfslim/storage';
import { VariableStore, variableScope } from '@tfslim/variables';
import { createTrainOp, LogdirLockedError, train, type TrainOp } from './index.js';

const quiet = { log: null } as const;
const LOGDIR = '/runs/a';
const LOCK = `${LOGDIR}/train.lock`;

describe('train holds a lock on its logdir', () => {
  let x: tf.Tensor;
  let y: tf.Tensor;
  const stores: VariableStore[] = [];
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
    x = tf.tensor2d([
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    y = tf.tensor2d([[1], [2], [3]]);
  });
  afterAll(() => {
    for (const s of stores) s.dispose();
    tf.dispose([x, y]);
  });
  const newOp = (): TrainOp<[tf.Tensor, tf.Tensor]> => {
    const store = new VariableStore();
    stores.push(store);
    return createTrainOp(
      (_l, a: tf.Tensor, b: tf.Tensor) =>
        meanSquaredError(
          variableScope('net', () => fullyConnected(a, 1, { scope: 'fc', activation: null })),
          b,
        ),
      tf.train.sgd(0.05),
      { store },
    );
  };
  function* batches(): Generator<[tf.Tensor, tf.Tensor]> {
    for (;;) yield [x, y];
  }
  const writeLock = (fileStore: MemoryFileStore, holder: object): void => {
    fileStore.sync.mkdir(LOGDIR);
    fileStore.sync.create(LOCK, new TextEncoder().encode(JSON.stringify(holder)));
  };

  it('refuses a second trainer while the first runs, naming it; maxToKeep holds', async () => {
    const fileStore = new MemoryFileStore();
    let second: unknown;
    const first = await train(newOp(), LOGDIR, {
      data: batches(),
      numberOfSteps: 12,
      saveIntervalSteps: 1,
      maxToKeep: 3,
      fileStore,
      ...quiet,
      trainStepFn: async (op, batch, { globalStep }) => {
        if (globalStep === 5) {
          second = await train(newOp(), LOGDIR, {
            data: batches(),
            numberOfSteps: 40,
            fileStore,
            ...quiet,
          }).catch((e: unknown) => e);
        }
        return op(...batch);
      },
    });
    expect(first.globalStep).toBe(12);
    expect(second).toBeInstanceOf(LogdirLockedError);
    const e = second as LogdirLockedError;
    expect(e.lockFile).toBe(LOCK);
    expect(e.holder).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(e.message).toMatch(
      new RegExp(
        `^train: expected the logdir to be free, got process ${process.pid} on host .+ since \\d{4}-`,
      ),
    );
    // The first trainer's files are its own, and only the newest three checkpoints remain.
    const state = await readCheckpointState(LOGDIR, { store: fileStore });
    expect(state?.allModelCheckpointPaths).toEqual([
      'model.ckpt-10',
      'model.ckpt-11',
      'model.ckpt-12',
    ]);
    const indexes = (await fileStore.list(LOGDIR)).filter((f) => f.endsWith('.index'));
    expect(indexes).toHaveLength(3);
    // Released at the end: the next trainer resumes.
    expect(await fileStore.stat(LOCK)).toBeUndefined();
    const next = await train(newOp(), LOGDIR, {
      data: batches(),
      numberOfSteps: 13,
      fileStore,
      ...quiet,
    });
    expect(next.restoredFrom).toBe(`${LOGDIR}/model.ckpt-12`);
  });

  it('takes over a lock whose process died on this machine', async () => {
    const fileStore = new MemoryFileStore();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeLock(fileStore, {
      owner: 'x',
      pid: dead,
      host: os.hostname(),
      startedAt: '2026-01-01T00:00:00.000Z',
    });
    const r = await train(newOp(), LOGDIR, {
      data: batches(),
      numberOfSteps: 2,
      fileStore,
      ...quiet,
    });
    expect(r.globalStep).toBe(2);
    expect(await fileStore.list(LOGDIR)).not.toContain('train.lock');
    expect((await fileStore.list(LOGDIR)).filter((f) => f.includes('.stale-'))).toEqual([]);
  });

  it('refuses a lock of another machine, and one of a page, saying how to remove it', async () => {
    for (const [holder, says] of [
      [
        { owner: 'o1', pid: 4242, host: 'other-host' },
        /process 4242 on host other-host .* cannot check a process on another/,
      ],
      [
        { owner: 'tab1', host: 'example.org' },
        /a page \(owner tab1\) on host example.org .* a page cannot tell whether the tab/,
      ],
    ] as const) {
      const fileStore = new MemoryFileStore();
      writeLock(fileStore, { ...holder, startedAt: '2026-01-01T00:00:00.000Z' });
      const e = await train(newOp(), LOGDIR, {
        data: batches(),
        numberOfSteps: 2,
        fileStore,
        ...quiet,
      }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(LogdirLockedError);
      expect((e as Error).message).toMatch(says);
      expect((e as Error).message).toContain(`delete ${LOCK}`);
      // Refused before touching anything: the other trainer's lock stays.
      expect(await fileStore.list(LOGDIR)).toEqual(['train.lock']);
    }
  });

  it('releases the lock when training fails', async () => {
    const fileStore = new MemoryFileStore();
    const e = await train(newOp(), LOGDIR, {
      data: batches(),
      numberOfSteps: 5,
      fileStore,
      ...quiet,
      trainStepFn: () => {
        throw new Error('boom');
      },
    }).catch((x: unknown) => x);
    expect((e as Error).message).toBe('boom');
    expect(await fileStore.stat(LOCK)).toBeUndefined();
  });

  it('a full disk mid-training: the error names the checkpoint and the intact one; the lock is released', async () => {
    class FullDisk extends MemoryFileStore {
      full = false;
      override async open(file: string, flags: 'r' | 'wx' | 'ax' | 'a'): Promise<StoreFileHandle> {
        const fh = await super.open(file, flags);
        const write: StoreFileHandle['write'] = async (bytes, position) => {
          if (this.full && file.includes('.data-')) {
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
              code: 'ENOSPC',
            });
          }
          return fh.write(bytes, position);
        };
        return { ...fh, write };
      }
    }
    const fileStore = new FullDisk();
    const e = await train(newOp(), LOGDIR, {
      data: batches(),
      numberOfSteps: 10,
      saveIntervalSteps: 2,
      fileStore,
      ...quiet,
      trainStepFn: (op, batch, { globalStep }) => {
        if (globalStep === 4) fileStore.full = true;
        return op(...batch);
      },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CheckpointWriteError);
    expect((e as Error).message).toContain(
      `got ENOSPC (no space left on the device). The latest checkpoint, ${LOGDIR}/model.ckpt-4, is intact.`,
    );
    expect(await fileStore.stat(LOCK)).toBeUndefined();
    fileStore.full = false;
    const again = await train(newOp(), LOGDIR, {
      data: batches(),
      numberOfSteps: 8,
      fileStore,
      ...quiet,
    });
    expect(again.restoredFrom).toBe(`${LOGDIR}/model.ckpt-4`);
  });
});
