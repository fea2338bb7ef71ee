// Hooks: the order train calls them, what they see, stopping from a hook (the final checkpoint
// is still written), earlyStopping on a reported value, learningRateOnPlateau on a schedule.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { fullyConnected } from '@tfslim/layers';
import { meanSquaredError } from '@tfslim/losses';
import { VariableStore } from '@tfslim/variables';
import {
  LearningError,
  createTrainOp,
  earlyStopping,
  exponentialDecay,
  learningRateOnPlateau,
  train,
  type LearningRate,
  type TrainHook,
} from './index.js';

const tmpDirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-hooks-'));
  tmpDirs.push(d);
  return d;
};
const stores: VariableStore[] = [];
let x: tf.Tensor;
let y: tf.Tensor;
beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
  x = tf.tensor2d([
    [1, 2],
    [3, -1],
  ]);
  y = tf.tensor2d([[1], [2]]);
});
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  for (const s of stores) s.dispose();
  x.dispose();
  y.dispose();
});

function makeOp(learningRate?: LearningRate) {
  const store = new VariableStore();
  stores.push(store);
  return createTrainOp(
    (_l, a: tf.Tensor, b: tf.Tensor) =>
      meanSquaredError(fullyConnected(a, 1, { scope: 'fc', activation: null }), b),
    tf.train.sgd(0.01),
    learningRate === undefined ? { store } : { store, learningRate },
  );
}
const data = () =>
  (function* () {
    for (;;) yield [x, y] as [tf.Tensor, tf.Tensor];
  })();

it('calls onTrainBegin, onStepEnd (with outputs), onSave and onTrainEnd in order, after the built-in duties', async () => {
  const dir = tmp();
  const events: string[] = [];
  const hook: TrainHook = {
    onTrainBegin: (ctx) => void events.push(`begin@${ctx.globalStep}`),
    onStepEnd: async (ctx, step) => {
      expect(await step.lossValue()).toBeCloseTo(step.loss.dataSync()[0] as number, 6);
      events.push(`step@${step.globalStep}:${String(step.outputs)}`);
    },
    onSave: (_ctx, ckpt) => void events.push(`save:${path.basename(ckpt)}`),
    onTrainEnd: (ctx) =>
      void events.push(`end@${ctx.globalStep}:${path.basename(ctx.lastCheckpoint!)}`),
  };
  await train(makeOp(), dir, {
    data: data(),
    numberOfSteps: 3,
    saveIntervalSteps: 2,
    log: null,
    hooks: [hook],
    trainStepFn: (op, batch, { globalStep }) => ({
      loss: op(...batch),
      outputs: `out${globalStep}`,
    }),
  });
  expect(events).toEqual([
    'save:model.ckpt-0',
    'begin@0',
    'step@1:out0',
    'save:model.ckpt-2', // train's own duties act before the user's hooks
    'step@2:out1',
    'step@3:out2',
    'save:model.ckpt-3',
    'end@3:model.ckpt-3',
  ]);
});

it('a hook that asks to stop ends the run after that step, with a final checkpoint', async () => {
  const dir = tmp();
  const r = await train(makeOp(), dir, {
    data: data(),
    numberOfSteps: 100,
    log: null,
    hooks: [{ onStepEnd: (ctx, s) => (s.globalStep === 4 ? ctx.requestStop('test') : undefined) }],
  });
  expect(r.globalStep).toBe(4);
  expect(r.lastCheckpoint).toMatch(/model\.ckpt-4$/);
});

it('earlyStopping stops when a reported value has not improved for more than patience checks', async () => {
  const dir = tmp();
  const accuracies = [0.5, 0.6, 0.7, 0.69, 0.7, 0.65, 0.9];
  const evaluator: TrainHook = {
    onStepEnd: (ctx, s) => ctx.report('accuracy', accuracies[s.globalStep - 1] ?? 1),
  };
  const lines: string[] = [];
  const r = await train(makeOp(), dir, {
    data: data(),
    numberOfSteps: 100,
    log: (l) => lines.push(l),
    progress: 'none',
    logEveryNSteps: 0,
    hooks: [
      evaluator,
      earlyStopping({ monitor: 'accuracy', mode: 'max', patience: 2, minDelta: 0.005 }),
    ],
  });
  // Best 0.7 at step 3; steps 4, 5, 6 do not beat it by 0.005: the third miss (> patience) stops.
  expect(r.globalStep).toBe(6);
  expect(lines.some((l) => /earlyStopping: accuracy has not improved/.test(l))).toBe(true);
});

it('earlyStopping on the loss (the default monitor) and bad options', async () => {
  const r = await train(makeOp(), tmp(), {
    data: data(),
    numberOfSteps: 50,
    log: null,
    trainStepFn: (op, batch) => {
      op(...batch).dispose();
      return tf.scalar(1); // a loss that never improves after the first step
    },
    hooks: [earlyStopping({ patience: 3 })],
  });
  expect(r.globalStep).toBe(5);
  expect(() => earlyStopping({ mode: 'up' as 'min' })).toThrow(LearningError);
  expect(() => earlyStopping({ patience: -1 })).toThrow(/patience a non-negative integer/);
});

it('learningRateOnPlateau lowers a scheduled rate by factor, and the optimizer uses it', async () => {
  const schedule = exponentialDecay(0.1, { decaySteps: 10, decayRate: 0.5 });
  const op = makeOp(schedule);
  const used: number[] = [];
  await train(op, tmp(), {
    data: data(),
    numberOfSteps: 8,
    log: null,
    hooks: [
      { onStepEnd: (ctx) => ctx.report('val', 1) }, // never improves after the first report
      learningRateOnPlateau({ monitor: 'val', patience: 1, factor: 0.5 }),
      { onStepEnd: (ctx) => void used.push(ctx.trainOp.learningRate.at(ctx.globalStep)) },
    ],
  });
  // Reports at steps 1..8: best at 1, misses at 2, 3 -> reduce after step 3; 4, 5 -> after 5; ...
  expect(op.learningRate.scale).toBeCloseTo(0.125, 10);
  expect(used[2]).toBeCloseTo(schedule(3) * 0.5, 10);
  expect(used[4]).toBeCloseTo(schedule(5) * 0.25, 10);
  expect(() => learningRateOnPlateau({ factor: 2 })).toThrow(/factor in \(0, 1\)/);
});
