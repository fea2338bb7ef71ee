// Resuming: a run cut in two ends where the uninterrupted run ends (slots and counters
// included), and resuming again and again in one process does not leak tensors.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { CheckpointReader } from '@tfslim/checkpoint';
import { fullyConnected } from '@tfslim/layers';
import { meanSquaredError } from '@tfslim/losses';
import { tempDirs, testBackends } from '@tfslim-internal/testing';
import { VariableStore, constantInitializer, variableScope } from '@tfslim/variables';
import { createTrainOp, train, type TrainOp } from './index.js';
import { XS, YS } from './linear-fit.test-helpers.js';

const quiet = { log: null } as const;

const optimizers: Record<string, () => tf.Optimizer> = {
  SGD: () => tf.train.sgd(0.05),
  Momentum: () => tf.train.momentum(0.02, 0.9),
  Adam: () => tf.train.adam(0.05, 0.9, 0.999, 1e-7),
};

const tmp = tempDirs('tfslim-resume-');

/** Everything a run leaves behind to compare: variables, slots, and the step counters. */
interface RunState {
  checkpoint: Record<string, number[]>;
  slots: Record<string, number[]>;
  iterations: number;
  betaPowers: number[];
}

async function stateOf(op: TrainOp<[tf.Tensor, tf.Tensor]>, dir: string): Promise<RunState> {
  const reader = await CheckpointReader.open(dir);
  const checkpoint: Record<string, number[]> = {};
  for (const { name } of reader.listVariables()) {
    const t = await reader.getTensor(name);
    checkpoint[name] = Array.from(await t.data(), Number);
    t.dispose();
  }
  const slots: Record<string, number[]> = {};
  let iterations = NaN;
  for (const w of await op.optimizer.getWeights()) {
    if (w.name === 'iter') {
      iterations = (await w.tensor.data())[0] as number;
      w.tensor.dispose();
    } else {
      // tfjs names slots after the tfjs variable; the slim name is the same in both runs.
      const cut = w.name.lastIndexOf('/');
      const v = op.variablesToTrain.find((x) => x.name === w.name.slice(0, cut))!;
      slots[`${op.store.nameOf(v)}/${w.name.slice(cut + 1)}`] = Array.from(await w.tensor.data());
    }
  }
  const adam = op.optimizer as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
  const betaPowers =
    adam.accBeta1 && adam.accBeta2
      ? [adam.accBeta1.dataSync()[0]!, adam.accBeta2.dataSync()[0]!]
      : [];
  return { checkpoint, slots, iterations, betaPowers };
}

function expectClose(a: Record<string, number[]>, b: Record<string, number[]>): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const [name, values] of Object.entries(a)) {
    const other = b[name]!;
    expect(other.length).toBe(values.length);
    values.forEach((v, i) => {
      if (Math.abs(v - other[i]!) > 1e-6) {
        throw new Error(`${name}[${i}]: ${v} vs ${other[i]} (differ by more than 1e-6)`);
      }
    });
  }
}

describe.each(testBackends())('resuming train() on %s', (backend) => {
  let x: tf.Tensor;
  let y: tf.Tensor;
  const stores: VariableStore[] = [];
  const ops: Array<TrainOp<[tf.Tensor, tf.Tensor]>> = [];
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
    x = tf.tensor2d(XS);
    y = tf.tensor2d(YS);
  });
  afterAll(() => {
    for (const op of ops) {
      op.dispose();
      op.optimizer.dispose();
    }
    for (const s of stores) s.dispose();
    x.dispose();
    y.dispose();
  });
  /** A new model and optimizer, as a new process would make them. */
  const freshOp = (make: () => tf.Optimizer): TrainOp<[tf.Tensor, tf.Tensor]> => {
    const store = new VariableStore();
    stores.push(store);
    const op = createTrainOp(
      (_l, a: tf.Tensor, b: tf.Tensor) =>
        meanSquaredError(
          variableScope('net', () =>
            // The same start in every trainer (the default initializer is random).
            fullyConnected(a, 1, {
              scope: 'fc',
              activation: null,
              weightsInitializer: constantInitializer([[0.3], [-0.2]]),
            }),
          ),
          b,
        ),
      make(),
      { store },
    );
    ops.push(op);
    return op;
  };
  function* batches(): Generator<[tf.Tensor, tf.Tensor]> {
    for (;;) yield [x, y];
  }

  it.each(['Momentum', 'Adam'])(
    'N steps in one run equal N/2, a resume in a new trainer, then N/2 (%s: variables, slots, step counters)',
    async (name) => {
      const make = optimizers[name]!;
      const N = 8;
      const whole = freshOp(make);
      const wholeDir = tmp();
      await train(whole, wholeDir, { data: batches(), numberOfSteps: N, ...quiet });

      const splitDir = tmp();
      await train(freshOp(make), splitDir, { data: batches(), numberOfSteps: N / 2, ...quiet });
      const resumed = freshOp(make);
      const r = await train(resumed, splitDir, { data: batches(), numberOfSteps: N, ...quiet });
      expect(r.restoredFrom).toBe(path.join(splitDir, `model.ckpt-${N / 2}`));
      expect(r.steps).toBe(N / 2);

      const a = await stateOf(whole, wholeDir);
      const b = await stateOf(resumed, splitDir);
      // Slots that stayed zero would make a resume that lost them look equal: they must not.
      const slotNames = Object.keys(a.checkpoint).filter((k) => /\/(Momentum|Adam(_1)?)$/.test(k));
      expect(slotNames.length).toBe(name === 'Adam' ? 4 : 2);
      for (const k of slotNames) expect(a.checkpoint[k]!.some((v) => v !== 0)).toBe(true);
      expectClose(a.checkpoint, b.checkpoint);
      expectClose(a.slots, b.slots);
      expect(b.iterations).toBe(a.iterations);
      expect(a.iterations).toBe(N);
      expectClose({ betaPowers: a.betaPowers }, { betaPowers: b.betaPowers });
      if (name === 'Adam') expect(a.betaPowers.length).toBe(2);
    },
  );

  it.each(['SGD', 'Momentum', 'Adam'])(
    'resuming five times in one process leaves the tensor count flat (%s, also with no step left)',
    async (name) => {
      const op = freshOp(optimizers[name]!);
      const dir = tmp();
      await train(op, dir, { data: batches(), numberOfSteps: 2, ...quiet });
      await train(op, dir, { data: batches(), numberOfSteps: 3, ...quiet });
      const counts: number[] = [];
      for (const n of [4, 4, 5, 5, 6]) {
        const r = await train(op, dir, { data: batches(), numberOfSteps: n, ...quiet });
        expect(r.restoredFrom).not.toBeNull();
        counts.push(tf.memory().numTensors);
      }
      expect(counts).toEqual(counts.map(() => counts[0]));
    },
  );
});
