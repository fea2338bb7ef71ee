// The duties train is made of, each alone: intervals, batch lifetime, plateau bookkeeping,
// signals, the gradient accumulator and the moving averages.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { GradientAccumulator } from '../gradient-accumulator.js';
import type { StepEnd, TrainContext } from '../hooks.js';
import { MovingAverages } from '../moving-averages.js';
import { PlateauTracker } from '../plateau.js';
import type { TrainRun } from '../train-run.js';
import { BatchSource } from './batch-source.js';
import { Interval } from './interval.js';
import { signalDuty } from './signal-duty.js';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

describe('Interval', () => {
  it('by steps: due every n steps from the mark; 0 is never', () => {
    const i = new Interval(3, 600);
    i.mark(10, 0);
    expect([11, 12, 13, 14].map((s) => i.due(s, 1e9))).toEqual([false, false, true, true]);
    expect(new Interval(0, 600).due(100, 1e9)).toBe(false);
  });
  it('by seconds when no steps are given', () => {
    const i = new Interval(undefined, 5);
    i.mark(0, 100);
    expect([i.due(1, 104.9), i.due(1, 105)]).toEqual([false, true]);
  });
});

describe('BatchSource', () => {
  it('disposes a done batch made after it started, keeps earlier and reused tensors', async () => {
    const mine = tf.scalar(1);
    const made: tf.Tensor[] = [];
    const shared = { t: null as tf.Tensor | null };
    function* data(): Generator<[tf.Tensor, tf.Tensor, tf.Tensor]> {
      for (let i = 0; i < 3; i++) {
        const fresh = tf.scalar(i);
        made.push(fresh);
        shared.t ??= tf.scalar(9);
        yield [mine, i < 2 ? shared.t : fresh, fresh];
      }
    }
    const b = new BatchSource(data(), true);
    await b.start();
    await b.advance(); // batch 0 done: batch 1 reuses shared.t, so only fresh 0 goes
    expect([made[0]!.isDisposed, shared.t!.isDisposed, mine.isDisposed]).toEqual([
      true,
      false,
      false,
    ]);
    await b.advance();
    expect(shared.t!.isDisposed).toBe(true);
    await b.close();
    expect(made.every((t) => t.isDisposed)).toBe(true);
    expect(mine.isDisposed).toBe(false);
    mine.dispose();
  });
  it('keeps everything with disposeBatches false; no data repeats empty batches', async () => {
    const t = tf.scalar(1);
    const b = new BatchSource<[tf.Tensor]>(
      [[t], [t]].map((x) => x as [tf.Tensor]),
      false,
    );
    await b.start();
    await b.advance();
    await b.close();
    expect(t.isDisposed).toBe(false);
    t.dispose();
    const none = new BatchSource<[]>(undefined, true);
    await none.start();
    expect(none.current).toEqual([]);
  });
});

describe('PlateauTracker', () => {
  const ctx = (values: Map<string, { value: number; globalStep: number }>) =>
    ({ reported: (n: string) => values.get(n) }) as unknown as TrainContext;
  const step = (globalStep: number, loss = 0, applied = true) =>
    ({ globalStep, applied, lossValue: async () => loss }) as unknown as StepEnd;

  it('counts checks without an improvement of minDelta; mode max', () => {
    const t = new PlateauTracker('f', { mode: 'max', minDelta: 0.1, patience: 1 }, 0);
    expect([1, 1.05, 1.2, 1.2, 1.25].map((v) => t.exhausted(v))).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
  });
  it('observes a reported value once per report, the loss on applied steps only', async () => {
    const values = new Map([['acc', { value: 0.5, globalStep: 3 }]]);
    const t = new PlateauTracker('f', { monitor: 'acc' }, 0);
    expect(await t.observe(ctx(values), step(3))).toBe(0.5);
    expect(await t.observe(ctx(values), step(4))).toBeNull();
    const l = new PlateauTracker('f', {}, 0);
    expect(await l.observe(ctx(values), step(4, 2.5))).toBe(2.5);
    expect(await l.observe(ctx(values), step(4, 2.5, false))).toBeNull();
  });
});

describe('signalDuty', () => {
  it('a signal asks to stop; close removes its listeners', async () => {
    const before = process.listenerCount('SIGINT');
    const run = { stopReason: null as string | null, log: () => undefined } as {
      stopReason: string | null;
      log: () => void;
      requestStop?: (r: string) => void;
    };
    run.requestStop = (r) => (run.stopReason ??= r);
    const duty = signalDuty(run as unknown as TrainRun<never>);
    await duty.onTrainBegin?.({} as TrainContext);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGINT', 'SIGINT');
    expect(run.stopReason).toBe('SIGINT');
    duty.close();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});

describe('GradientAccumulator and MovingAverages', () => {
  it('returns the mean on the k-th add, null before; nothing leaks', () => {
    const acc = new GradientAccumulator(2);
    const before = tf.memory().numTensors;
    let first: unknown;
    tf.tidy(() => {
      first = acc.add({ a: tf.tensor1d([1, 2]) });
    });
    expect(first).toBeNull();
    const mean = tf.tidy(() => {
      const m = acc.add({ a: tf.tensor1d([3, 6]) });
      return m === null ? tf.scalar(-1) : (m['a'] as tf.Tensor);
    });
    expect(Array.from(mean.dataSync())).toEqual([2, 4]);
    mean.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
  it('shadow -= (1 - min(decay, (1+n)/(10+n))) * (shadow - var)', () => {
    const v = tf.variable(tf.scalar(0));
    const ema = new MovingAverages(0.9, [v]);
    v.assign(tf.scalar(10));
    tf.tidy(() => ema.update(0)); // d = 0.1
    expect(ema.shadowOf(v)!.dataSync()[0]).toBeCloseTo(9, 5);
    tf.tidy(() => ema.update(1000)); // d = 0.9
    expect(ema.shadowOf(v)!.dataSync()[0]).toBeCloseTo(9.1, 5);
    ema.dispose();
    v.dispose();
  });
});
