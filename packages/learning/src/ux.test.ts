// What a new user expects of train and evaluateOnce: batches disposed after their step, a
// missing `data` named, progress as a bar on a TTY and as lines elsewhere.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { mean } from '@tfslim/metrics';
import { listEventFiles, readEvents } from '@tfslim/summary';
import { tempDirs, testBackends } from '@tfslim-internal/testing';
import { VariableStore, withVariableStore } from '@tfslim/variables';
import { evaluateOnce, train, type ProgressStream } from './index.js';
import { XS, YS, linearModel, linearTrainOps } from './linear-fit.test-helpers.js';

const tmp = tempDirs('tfslim-learning-ux-');

/** Fresh tensors every step, as a tf.data pipeline or a batching generator makes them. */
function* freshBatches(): Generator<[tf.Tensor, tf.Tensor]> {
  for (;;) yield [tf.tensor2d(XS), tf.tensor2d(YS)];
}

class FakeStream implements ProgressStream {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 100,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe.each(testBackends())('train owns its batches on %s', (backend) => {
  beforeAll(() => selectBackend({ require: backend, env: {} }));
  const makeOp = linearTrainOps();

  it('keeps numTensors flat over 150 steps of fresh batches (disposeBatches default)', async () => {
    const op = makeOp();
    const dir = tmp();
    const first = await train(op, dir, { data: freshBatches(), numberOfSteps: 10, log: null });
    expect(first.globalStep).toBe(10);
    const before = tf.memory().numTensors;
    const r = await train(op, dir, {
      data: freshBatches(),
      numberOfSteps: 160,
      log: null,
      saveIntervalSteps: 1000,
    });
    expect(r.globalStep).toBe(160);
    expect(r.steps).toBe(150);
    expect(tf.memory().numTensors).toBe(before);
    op.dispose();
  });

  it('leaves every batch alive with disposeBatches: false (two tensors a step)', async () => {
    const op = makeOp();
    const dir = tmp();
    await train(op, dir, { data: freshBatches(), numberOfSteps: 2, log: null });
    const kept: tf.Tensor[] = [];
    const gen = function* (): Generator<[tf.Tensor, tf.Tensor]> {
      for (;;) {
        const b: [tf.Tensor, tf.Tensor] = [tf.tensor2d(XS), tf.tensor2d(YS)];
        kept.push(...b);
        yield b;
      }
    };
    const before = tf.memory().numTensors;
    await train(op, dir, { data: gen(), numberOfSteps: 52, log: null, disposeBatches: false });
    expect(kept).toHaveLength(100);
    expect(tf.memory().numTensors).toBe(before + 100);
    expect(kept.every((t) => !t.isDisposed)).toBe(true);
    tf.dispose(kept);
    op.dispose();
  });

  it('never disposes tensors made before train was called (reused every batch)', async () => {
    const op = makeOp();
    const x = tf.tensor2d(XS);
    const y = tf.tensor2d(YS);
    const same = function* (): Generator<[tf.Tensor, tf.Tensor]> {
      for (;;) yield [x, y];
    };
    const r = await train(op, tmp(), { data: same(), numberOfSteps: 20, log: null });
    expect(r.globalStep).toBe(20);
    expect(x.isDisposed || y.isDisposed).toBe(false);
    // Still usable after training.
    expect((await tf.sum(x).data())[0]).toBeCloseTo(
      XS.flat().reduce((p, q) => p + q, 0),
      6,
    );
    x.dispose();
    y.dispose();
    op.dispose();
  });
});

describe('train and evaluateOnce for a new user (cpu)', () => {
  beforeAll(() => selectBackend({ require: 'cpu', env: {} }));
  const makeOp = linearTrainOps();

  it('a resumed run writes no second summary at the step it resumes from', async () => {
    const op = makeOp();
    const dir = tmp();
    const opts = { log: null, saveSummariesSteps: 5, saveIntervalSteps: 5 } as const;
    await train(op, dir, { ...opts, data: freshBatches(), numberOfSteps: 10 });
    const again = await train(op, dir, { ...opts, data: freshBatches(), numberOfSteps: 10 });
    expect(again.steps).toBe(0);
    await train(op, dir, { ...opts, data: freshBatches(), numberOfSteps: 15 });
    const steps: number[] = [];
    for (const f of await listEventFiles(dir))
      for await (const e of readEvents(f))
        for (const v of e.values) if (v.tag === 'total_loss') steps.push(e.step);
    expect(steps.sort((a, b) => a - b)).toEqual([1, 5, 10, 15]);
  });

  it('names the missing data option when the model takes inputs', async () => {
    const op = makeOp();
    const dir = tmp();
    const before = tf.memory().numTensors;
    await expect(train(op, dir, { numberOfSteps: 5, log: null })).rejects.toThrow(
      /^train: expected the data option \(an iterable of batches\) for a model that takes inputs, got no data: .*Pass data: /,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an unknown progress mode', async () => {
    const op = makeOp();
    await expect(
      train(op, tmp(), {
        data: freshBatches(),
        numberOfSteps: 1,
        // @ts-expect-error a mode that does not exist
        progress: 'fancy',
        progressStream: new FakeStream(true),
      }),
    ).rejects.toThrow(
      /^train: expected progress one of 'auto', 'bar', 'lines', 'none', got "fancy"\./,
    );
  });

  it("draws a bar on a TTY ('auto'): step count, loss, ETA, one final newline", async () => {
    const op = makeOp();
    const out = new FakeStream(true);
    const lines: string[] = [];
    await train(op, tmp(), {
      data: freshBatches(),
      numberOfSteps: 40,
      log: (l) => lines.push(l),
      progress: 'auto',
      progressStream: out,
      logEveryNSteps: 10,
    });
    // 'auto' picks the bar only outside CI; CI=... in the environment gives lines.
    const ci =
      process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
    if (ci) {
      expect(out.text).not.toContain('\r');
      return;
    }
    expect(out.text).toContain('\r\x1b[K');
    expect(out.text).toMatch(/train step 40\/40 \[=+\] 100% loss \d+\.\d{4} .*elapsed \d+:\d\d/);
    expect(out.text).toMatch(/ETA \d+:\d\d/);
    expect(out.text.endsWith('\n')).toBe(true);
    expect(out.text.split('\n')).toHaveLength(2); // one bar line, redrawn in place
    // A custom log still gets its lines (the bar is cleared and redrawn around them).
    expect(lines.filter((l) => l.startsWith('global step'))).toHaveLength(4);
  });

  it("forced 'bar' on a non-TTY stream, and 'lines' gives about ten plain lines", async () => {
    const bar = new FakeStream(false);
    await train(makeOp(), tmp(), {
      data: freshBatches(),
      numberOfSteps: 5,
      log: null,
      progress: 'bar',
      progressStream: bar,
    });
    expect(bar.text).toContain('train step 5/5 [');

    const out = new FakeStream(true);
    await train(makeOp(), tmp(), {
      data: freshBatches(),
      numberOfSteps: 50,
      log: null,
      progress: 'lines',
      progressStream: out,
    });
    expect(out.text).not.toContain('\r');
    const lines = out.text.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^train step 5\/50 \(10%\) loss \d+\.\d{4} .*ETA \d+:\d\d elapsed/);
    expect(lines[9]).toMatch(/^train step 50\/50 \(100%\)/);
  });

  it("'auto' on a non-TTY stream writes lines; 'none' and log: null write nothing", async () => {
    const out = new FakeStream(false);
    await train(makeOp(), tmp(), {
      data: freshBatches(),
      numberOfSteps: 20,
      log: () => undefined,
      progressStream: out,
    });
    expect(out.text.trimEnd().split('\n')).toHaveLength(10);
    expect(out.text).not.toContain('\r');
    const none = new FakeStream(true);
    await train(makeOp(), tmp(), {
      data: freshBatches(),
      numberOfSteps: 5,
      log: () => undefined,
      progress: 'none',
      progressStream: none,
    });
    await train(makeOp(), tmp(), {
      data: freshBatches(),
      numberOfSteps: 5,
      log: null,
      progressStream: none,
    });
    expect(none.text).toBe('');
  });

  it('evaluateOnce shows a bar over its batches on a TTY and lines otherwise', async () => {
    const op = makeOp();
    const dir = tmp();
    const r = await train(op, dir, { data: freshBatches(), numberOfSteps: 3, log: null });
    const evalStore = new VariableStore();
    const x = tf.tensor2d(XS);
    tf.tidy(() => withVariableStore(evalStore, () => linearModel(x)));
    const m = mean();
    const run = (progress: 'bar' | 'lines', out: FakeStream, lines: string[]) =>
      evaluateOnce(r.lastCheckpoint!, path.join(dir, 'eval'), {
        store: evalStore,
        metrics: { m },
        numEvals: 20,
        evalOp: () => tf.tidy(() => m.update(withVariableStore(evalStore, () => linearModel(x)))),
        log: (l) => lines.push(l),
        progress,
        progressStream: out,
      });
    const barOut = new FakeStream(true);
    const logged: string[] = [];
    await run('bar', barOut, logged);
    expect(barOut.text).toContain('\r\x1b[K');
    expect(barOut.text).toMatch(/evaluateOnce batch 20\/20 \[=+\] 100%/);
    expect(logged).toHaveLength(20); // a custom log keeps its Evaluation [k/N] lines
    const linesOut = new FakeStream(false);
    await run('lines', linesOut, []);
    const lines = linesOut.text.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[9]).toMatch(/^evaluateOnce batch 20\/20 \(100%\)/);
    m.dispose();
    x.dispose();
    evalStore.dispose();
  });
});
