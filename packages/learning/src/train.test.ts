// train and the evaluation functions, end to end.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { CheckpointReader, saveCheckpoint } from '@tfslim/checkpoint';
import { fullyConnected } from '@tfslim/layers';
import { meanSquaredError } from '@tfslim/losses';
import { sparseCategoricalAccuracy } from '@tfslim/metrics';
import { listEventFiles, readEvents } from '@tfslim/summary';
import { tempDirs } from '@tfslim-internal/testing';
import { VariableStore, variableScope, withVariableStore } from '@tfslim/variables';
import {
  checkpointsIterator,
  createTrainOp,
  evaluateOnce,
  evaluationLoop,
  train,
  type TrainOp,
} from './index.js';
import {
  XS as SIX_XS,
  linearModel,
  linearTargets,
  linearTrainOp,
} from './linear-fit.test-helpers.js';

// The six shared points and two more.
const XS = [...SIX_XS, [0.5, -1], [-2, -0.5]];
const YS = linearTargets(XS);

function* batches(x: tf.Tensor, y: tf.Tensor, n = Infinity): Generator<[tf.Tensor, tf.Tensor]> {
  for (let i = 0; i < n; i++) yield [x, y];
}

async function scalars(dir: string): Promise<Map<string, Array<[number, number]>>> {
  const out = new Map<string, Array<[number, number]>>();
  for (const file of await listEventFiles(dir)) {
    for await (const e of readEvents(file)) {
      for (const v of e.values) {
        if (v.kind !== 'scalar') continue;
        const list = out.get(v.tag) ?? [];
        list.push([e.step, v.value as number]);
        out.set(v.tag, list);
      }
    }
  }
  return out;
}

const tmp = tempDirs('tfslim-learning-');
const quiet = { log: null } as const;

describe('train', () => {
  let x: tf.Tensor;
  let y: tf.Tensor;
  const stores: VariableStore[] = [];
  const newStore = () => {
    const s = new VariableStore();
    stores.push(s);
    return s;
  };
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
    x = tf.tensor2d(XS);
    y = tf.tensor2d(YS);
  });
  afterAll(() => {
    for (const s of stores) s.dispose();
    x.dispose();
    y.dispose();
  });

  it('logs, resumes from the latest checkpoint and skips initFn', async () => {
    const dir = tmp();
    const lines: string[] = [];
    let inits = 0;
    const r1 = await train(linearTrainOp(newStore()), dir, {
      data: batches(x, y),
      numberOfSteps: 5,
      logEveryNSteps: 2,
      initFn: () => {
        inits++;
      },
      log: (l) => lines.push(l),
    });
    expect(inits).toBe(1);
    expect(r1.globalStep).toBe(5);
    expect(r1.steps).toBe(5);
    expect(r1.restoredFrom).toBeNull();
    expect(r1.lastCheckpoint).toBe(path.join(dir, 'model.ckpt-5'));
    expect(lines.filter((l) => l.startsWith('global step')).length).toBe(2);
    expect(lines[0]).toMatch(/^global step 2: loss = \d+\.\d{4} \([\d.]+ ms\/step\)$/);

    const reader = await CheckpointReader.open(path.join(dir, 'model.ckpt-5'));
    const saved = await reader.getTensor('net/fc/weights');
    const savedW = Array.from(await saved.data());
    saved.dispose();
    expect(reader.has('global_step')).toBe(true);

    // A fresh process-like start: new store, new op; continues at step 5, initFn not called.
    const store2 = newStore();
    const op2 = linearTrainOp(store2);
    let seenFirst: number[] | undefined;
    const r2 = await train(op2, dir, {
      data: batches(x, y),
      numberOfSteps: 8,
      initFn: () => {
        inits++;
      },
      trainStepFn: (op, batch, info) => {
        if (seenFirst === undefined) {
          expect(info.globalStep).toBe(5);
          seenFirst = Array.from(store2.get('net/fc/weights')!.dataSync());
        }
        return op(...batch);
      },
      ...quiet,
    });
    expect(inits).toBe(1);
    expect(r2.restoredFrom).toBe(path.join(dir, 'model.ckpt-5'));
    expect(r2.steps).toBe(3);
    expect(r2.globalStep).toBe(8);
    expect(seenFirst).toEqual(savedW);
    expect(r2.finalLoss).toBeLessThan(r1.finalLoss);
  });

  it('step-based saves and summaries write the expected files and scalars', async () => {
    const dir = tmp();
    const r = await train(linearTrainOp(newStore()), dir, {
      data: batches(x, y),
      numberOfSteps: 5,
      saveIntervalSteps: 2,
      saveSummariesSteps: 2,
      maxToKeep: 0,
      summaries: (writer, step) => writer.scalar('custom', step * 10, step),
      ...quiet,
    });
    expect(r.globalStep).toBe(5);
    const index = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.index'))
      .sort();
    expect(index).toEqual([
      'model.ckpt-0.index',
      'model.ckpt-2.index',
      'model.ckpt-4.index',
      'model.ckpt-5.index',
    ]);
    const s = await scalars(dir);
    expect(s.get('custom')?.map(([step]) => step)).toEqual([1, 2, 4, 5]);
    expect(s.get('total_loss')?.map(([step]) => step)).toEqual([1, 2, 4, 5]);
    expect(s.get('global_step/sec')?.length).toBe(4);
    expect(s.get('total_loss')?.at(-1)?.[1]).toBeCloseTo(r.finalLoss, 5);
  });

  it('stops when the data ends; saves Momentum slots TF1-style and restores them', async () => {
    const dir = tmp();
    const r = await train(linearTrainOp(newStore(), tf.train.momentum(0.01, 0.9)), dir, {
      data: batches(x, y, 3),
      numberOfSteps: 100,
      ...quiet,
    });
    expect(r.globalStep).toBe(3);
    const reader = await CheckpointReader.open(dir);
    expect(reader.has('net/fc/weights/Momentum')).toBe(true);
    expect(reader.has('net/fc/biases/Momentum')).toBe(true);
    const slot = await reader.getTensor('net/fc/weights/Momentum');
    const slotValues = Array.from(await slot.data());
    slot.dispose();
    // Resume (no step left to run): the momentum accumulators hold the saved values.
    const opB = linearTrainOp(newStore(), tf.train.momentum(0.01, 0.9));
    const r2 = await train(opB, dir, { data: batches(x, y), numberOfSteps: 3, ...quiet });
    expect(r2.steps).toBe(0);
    const weights = await opB.optimizer.getWeights();
    expect(weights.map((w) => w.name.replace(/^.*\//, ''))).toEqual([
      'iter',
      'momentum',
      'momentum',
    ]);
    expect(weights[0]!.tensor.dataSync()[0]).toBe(3);
    expect(Array.from(weights[1]!.tensor.dataSync())).toEqual(slotValues);
    weights[0]!.tensor.dispose();
  });

  it('summarizeGradients writes gradient histograms and norms; shouldStop ends training', async () => {
    const dir = tmp();
    const store = newStore();
    const op = createTrainOp(
      (_l, xb: tf.Tensor, yb: tf.Tensor) => meanSquaredError(linearModel(xb), yb),
      tf.train.sgd(0.05),
      { store, summarizeGradients: true },
    );
    const r = await train(op, dir, {
      data: batches(x, y),
      numberOfSteps: 100,
      saveSummariesSteps: 1,
      trainStepFn: (o, batch, { globalStep }) => ({
        loss: o(...batch),
        shouldStop: globalStep >= 2,
      }),
      ...quiet,
    });
    expect(r.globalStep).toBe(3);
    expect(Object.keys(op.lastGradients)).toEqual(['net/fc/weights', 'net/fc/biases']);
    const tags = new Set<string>();
    for (const file of await listEventFiles(dir))
      for await (const e of readEvents(file))
        for (const v of e.values) tags.add(`${v.kind}:${v.tag}`);
    expect(tags).toContain('histogram:net/fc/weights/gradients');
    expect(tags).toContain('scalar:net/fc/biases/gradient_norm');
    op.dispose();
    expect(Object.keys(op.lastGradients)).toEqual([]);
  });

  it('no tensor leaks across a train call (after the first)', async () => {
    const store = newStore();
    const op = linearTrainOp(store);
    await train(op, tmp(), { data: batches(x, y), numberOfSteps: 2, ...quiet });
    const counts: number[] = [];
    for (const n of [4, 6, 8]) {
      await train(op, tmp(), { data: batches(x, y), numberOfSteps: n, ...quiet });
      counts.push(tf.memory().numTensors);
    }
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[0]);
  });

  it('rejects bad options', async () => {
    const op = linearTrainOp(newStore());
    await expect(train(op, '', { numberOfSteps: 1 })).rejects.toThrow(/logdir/);
    await expect(train(op, tmp(), {})).rejects.toThrow(/numberOfSteps or data/);
    await expect(train(op, tmp(), { numberOfSteps: -1 })).rejects.toThrow(/numberOfSteps/);
    await expect(train({} as TrainOp<[]>, tmp(), { numberOfSteps: 1 })).rejects.toThrow(
      /createTrainOp/,
    );
  });
});

describe('evaluation', () => {
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
  });

  // Classifier with 3 classes on 2 features; weights fixed by hand.
  const W = [
    [1, 0, -1],
    [0, 1, 1],
  ];
  const B = [0, 0.5, 0];
  const FEATS = [
    [1, 0],
    [0, 1],
    [2, 3],
    [-1, 0],
    [0.2, 0.1],
    [3, -1],
  ];
  const LABELS = [0, 1, 2, 2, 1, 0];
  function handAccuracy(): number {
    let right = 0;
    FEATS.forEach((f, i) => {
      const scores = [0, 1, 2].map(
        (c) =>
          (f[0] as number) * (W[0]![c] as number) +
          (f[1] as number) * (W[1]![c] as number) +
          (B[c] as number),
      );
      const arg = scores.indexOf(Math.max(...scores));
      if (arg === LABELS[i]) right++;
    });
    return right / FEATS.length;
  }
  const classifier = (x: tf.Tensor) =>
    variableScope('clf', () => fullyConnected(x, 3, { scope: 'logits', activation: null }));

  async function writeCkpt(dir: string, step: number, scale = 1): Promise<void> {
    const w = tf.tensor2d(W.map((r) => r.map((v) => v * scale)));
    const b = tf.tensor1d(B);
    await saveCheckpoint(
      dir,
      { 'clf/logits/weights': w, 'clf/logits/biases': b },
      { globalStep: step, maxToKeep: 0 },
    );
    w.dispose();
    b.dispose();
  }

  it('evaluateOnce restores that checkpoint and returns the metric computed by hand', async () => {
    const dir = tmp();
    await writeCkpt(dir, 7);
    const store = new VariableStore();
    tf.tidy(() => withVariableStore(store, () => classifier(tf.zeros([1, 2]))));
    const acc = sparseCategoricalAccuracy();
    acc.update(tf.tensor2d([[1, 0, 0]]), tf.tensor1d([0], 'int32')); // stale state: must be reset
    const x = tf.tensor2d(FEATS);
    const labels = tf.tensor1d(LABELS, 'int32');
    const evalOp = (k: number) =>
      tf.tidy(() => {
        const xs = tf.slice(x, [k * 3, 0], [3, 2]);
        const ys = tf.slice(labels, [k * 3], [3]);
        acc.update(
          withVariableStore(store, () => classifier(xs)),
          ys,
        );
      });
    const lines: string[] = [];
    const logdir = tmp();
    await evaluateOnce(path.join(dir, 'model.ckpt-7'), logdir, {
      store,
      metrics: { accuracy: acc },
      numEvals: 2,
      evalOp,
      log: (l) => lines.push(l),
    }); // warm-up for the leak check below
    const before = tf.memory().numTensors;
    const result = await evaluateOnce(path.join(dir, 'model.ckpt-7'), logdir, {
      store,
      metrics: { accuracy: acc },
      numEvals: 2,
      evalOp,
      log: (l) => lines.push(l),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.accuracy).toBeCloseTo(handAccuracy(), 6);
    expect(lines.slice(0, 2)).toEqual(['Evaluation [1/2]', 'Evaluation [2/2]']);
    const s = await scalars(logdir);
    expect(s.get('accuracy')?.[0]?.[0]).toBe(7);
    const final = await evaluateOnce(path.join(dir, 'model.ckpt-7'), logdir, {
      store,
      metrics: { accuracy: acc },
      numEvals: 2,
      evalOp,
      finalOp: async () => (await acc.resultNumber()) * 100,
      log: null,
    });
    expect(final).toBeCloseTo(handAccuracy() * 100, 4);
    x.dispose();
    labels.dispose();
    acc.dispose();
    store.dispose();
  });

  it('evaluateOnce without model variables says how to fix it', async () => {
    const dir = tmp();
    await writeCkpt(dir, 1);
    await expect(
      evaluateOnce(path.join(dir, 'model.ckpt-1'), tmp(), {
        store: new VariableStore(),
        evalOp: () => undefined,
      }),
    ).rejects.toThrow(/Call the model once/);
  });

  it('checkpointsIterator yields only the latest checkpoint and stops on timeout', async () => {
    const dir = tmp();
    for (const s of [0, 1, 2, 3, 4]) await writeCkpt(dir, s);
    const it = checkpointsIterator(dir, { pollSecs: 0.01, timeout: 0.2 });
    const first = await it.next();
    expect(first.value).toBe(path.join(dir, 'model.ckpt-4'));
    await writeCkpt(dir, 5);
    await writeCkpt(dir, 6);
    const second = await it.next();
    expect(second.value).toBe(path.join(dir, 'model.ckpt-6'));
    const t0 = Date.now();
    const end = await it.next();
    expect(end.done).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
  });

  it('evaluationLoop follows a trainer and evaluates only new latest checkpoints', async () => {
    const trainDir = tmp();
    const evalDir = tmp();
    const store = new VariableStore();
    const evalStore = new VariableStore();
    const x = tf.tensor2d(XS);
    const y = tf.tensor2d(YS);
    const op = linearTrainOp(store);
    // The trainer writes a checkpoint every step. Its first round ends before the evaluator
    // starts, so the evaluator's first evaluation skips the older checkpoints whatever the
    // machine's speed; the later rounds run concurrently with the evaluator.
    const trainRound = (round: number) =>
      train(op, trainDir, {
        data: batches(x, y),
        numberOfSteps: round * 3,
        saveIntervalSteps: 1,
        maxToKeep: 0,
        log: null,
      });
    await trainRound(1);
    const trainer = (async () => {
      for (let round = 2; round <= 3; round++) {
        await new Promise((r) => setTimeout(r, 60));
        await trainRound(round);
      }
    })();
    tf.tidy(() => withVariableStore(evalStore, () => linearModel(tf.zeros([1, 2]))));
    const { mean } = await import('@tfslim/metrics');
    const mse = mean();
    const results = await evaluationLoop(trainDir, evalDir, {
      store: evalStore,
      metrics: { mse },
      evalOp: () =>
        tf.tidy(() =>
          mse.update(
            tf.mean(
              tf.square(
                tf.sub(
                  withVariableStore(evalStore, () => linearModel(x)),
                  y,
                ),
              ),
            ),
          ),
        ),
      evalIntervalSecs: 0.15,
      pollSecs: 0.01,
      timeout: 3, // generous: a loaded machine may take a while between checkpoints
      log: null,
    });
    await trainer;
    const steps = results.map((r) => Number(/-(\d+)$/.exec(r.checkpoint)![1]));
    const written = fs.readdirSync(trainDir).filter((f) => f.endsWith('.index')).length;
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.length).toBeLessThan(written);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeGreaterThan(steps[i - 1]!);
    expect(steps.at(-1)).toBe(9);
    const s = await scalars(evalDir);
    expect(s.get('mse')?.map(([step]) => step)).toEqual(steps);
    x.dispose();
    y.dispose();
    mse.dispose();
    store.dispose();
    evalStore.dispose();
  });
});
