// train and evaluateOnce with an in-memory FileStore (what a browser page uses): nothing
// touches the disk, checkpoints and event files land in the store, a second run resumes.
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { latestCheckpoint } from '@tfslim/checkpoint';
import { MemoryFileStore } from '@tfslim/storage';
import { listEventFiles, readEvents } from '@tfslim/summary';
import { VariableStore, withVariableStore } from '@tfslim/variables';
import { evaluateOnce, train } from './index.js';
import { XS, YS, linearTrainOp } from './linear-fit.test-helpers.js';

describe.each(['cpu', 'wasm'] as const)('train into a MemoryFileStore on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it('trains, saves, logs and resumes without the file system', async () => {
    const fileStore = new MemoryFileStore();
    const logdir = `/runs/${backend}`;
    const vars = new VariableStore();
    const x = tf.tensor2d(XS);
    const y = tf.tensor2d(YS);
    const op = linearTrainOp(vars);
    const losses: number[] = [];
    const batches = function* (): Generator<[tf.Tensor, tf.Tensor]> {
      for (;;) yield [x, y];
    };
    const first = await withVariableStore(vars, () =>
      train(op, logdir, {
        data: batches(),
        numberOfSteps: 30,
        logEveryNSteps: 1,
        saveIntervalSteps: 10,
        saveSummariesSteps: 10,
        fileStore,
        log: (line) => {
          const m = /loss = ([\d.e+-]+)/.exec(line);
          if (m) losses.push(Number(m[1]));
        },
      }),
    );
    expect(first.globalStep).toBe(30);
    expect(losses.length).toBe(30);
    expect(losses[29]!).toBeLessThan(losses[0]! / 4);
    expect(await latestCheckpoint(logdir, { store: fileStore })).toBe(`${logdir}/model.ckpt-30`);
    expect(fs.existsSync('/runs')).toBe(false);
    const files = await listEventFiles(logdir, { store: fileStore });
    expect(files).toHaveLength(1);
    const steps: number[] = [];
    for await (const e of readEvents(files[0]!, { store: fileStore }))
      for (const v of e.values) if (v.tag === 'total_loss') steps.push(e.step);
    expect(steps.length).toBeGreaterThan(0);

    // A second call resumes from the store's checkpoint.
    const second = await withVariableStore(vars, () =>
      train(op, logdir, { data: batches(), numberOfSteps: 35, fileStore, log: null }),
    );
    expect(second.restoredFrom).toBe(`${logdir}/model.ckpt-30`);
    expect(second.globalStep).toBe(35);

    const mse = await withVariableStore(vars, () =>
      evaluateOnce(`${logdir}/model.ckpt-35`, `${logdir}/eval`, {
        store: vars,
        fileStore,
        evalOp: () => undefined,
        finalOp: () => 1,
        log: null,
      }),
    );
    expect(mse).toBe(1);
    expect(await listEventFiles(`${logdir}/eval`, { store: fileStore })).toHaveLength(1);
    op.dispose?.();
    tf.dispose([x, y]);
  });
});
