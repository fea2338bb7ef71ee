// Learning-rate schedules equal TensorFlow's (run in the venv at test time), and train() logs
// them as `learning_rate`, before and after a resume.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { fullyConnected } from '@tfslim/layers';
import { meanSquaredError } from '@tfslim/losses';
import { listEventFiles, readEvents } from '@tfslim/summary';
import { VariableStore } from '@tfslim/variables';
import { runPython, tfUnavailableReason } from '@tfslim-internal/testing';
import { setOptimizerLearningRate } from './learning-rate.js';
import {
  LearningError,
  cosineDecay,
  createTrainOp,
  exponentialDecay,
  inverseTimeDecay,
  piecewiseConstant,
  polynomialDecay,
  train,
  type LearningRateSchedule,
} from './index.js';

interface Case {
  name: string;
  tf: string; // a Python expression of `step`
  ours: LearningRateSchedule;
}

const CASES: Case[] = [
  {
    name: 'exponential',
    tf: 'tf.compat.v1.train.exponential_decay(0.1, step, 7, 0.8)',
    ours: exponentialDecay(0.1, { decaySteps: 7, decayRate: 0.8 }),
  },
  {
    name: 'exponential staircase',
    tf: 'tf.compat.v1.train.exponential_decay(0.1, step, 7, 0.8, staircase=True)',
    ours: exponentialDecay(0.1, { decaySteps: 7, decayRate: 0.8, staircase: true }),
  },
  {
    name: 'polynomial',
    tf: 'tf.compat.v1.train.polynomial_decay(0.1, step, 20, 0.001, power=2.0)',
    ours: polynomialDecay(0.1, { decaySteps: 20, endLearningRate: 0.001, power: 2 }),
  },
  {
    name: 'polynomial default end',
    tf: 'tf.compat.v1.train.polynomial_decay(0.1, step, 20)',
    ours: polynomialDecay(0.1, { decaySteps: 20 }),
  },
  {
    name: 'polynomial cycle',
    tf: 'tf.compat.v1.train.polynomial_decay(0.1, step, 9, 0.01, power=0.5, cycle=True)',
    ours: polynomialDecay(0.1, { decaySteps: 9, endLearningRate: 0.01, power: 0.5, cycle: true }),
  },
  {
    name: 'piecewise constant',
    tf: 'tf.compat.v1.train.piecewise_constant(step, [5, 12], [0.1, 0.05, 0.001])',
    ours: piecewiseConstant([5, 12], [0.1, 0.05, 0.001]),
  },
  {
    name: 'inverse time',
    tf: 'tf.compat.v1.train.inverse_time_decay(0.1, step, 6, 0.5)',
    ours: inverseTimeDecay(0.1, { decaySteps: 6, decayRate: 0.5 }),
  },
  {
    name: 'inverse time staircase',
    tf: 'tf.compat.v1.train.inverse_time_decay(0.1, step, 6, 0.5, staircase=True)',
    ours: inverseTimeDecay(0.1, { decaySteps: 6, decayRate: 0.5, staircase: true }),
  },
  {
    name: 'cosine',
    tf: 'tf.keras.optimizers.schedules.CosineDecay(0.1, 20, alpha=0.1)(step)',
    ours: cosineDecay(0.1, { decaySteps: 20, alpha: 0.1 }),
  },
  {
    name: 'cosine with warm-up',
    tf: 'tf.keras.optimizers.schedules.CosineDecay(0.0, 15, warmup_target=0.2, warmup_steps=6)(step)',
    ours: cosineDecay(0, { decaySteps: 15, warmupTarget: 0.2, warmupSteps: 6 }),
  },
];
const STEPS = Array.from({ length: 45 }, (_, i) => i);

const SCRIPT = `
import json, sys
import tensorflow as tf
inp = json.load(sys.stdin)
out = {}
for c in inp['cases']:
    vals = []
    for s in inp['steps']:
        step = tf.constant(s, tf.int64)
        v = eval(c['tf'], {'tf': tf, 'step': step})
        v = v() if callable(v) else v
        vals.append(float(v))
    out[c['name']] = vals
print(json.dumps(out))
`;

const reason = tfUnavailableReason();
if (reason !== null) console.warn(`TensorFlow oracle skipped: ${reason}`);
const tfValues: Record<string, number[]> | null =
  reason === null
    ? runPython(SCRIPT, {
        cases: CASES.map(({ name, tf: expr }) => ({ name, tf: expr })),
        steps: STEPS,
      })
    : null;

/** Equal to TF's float32 value. */
function expectF32(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 * Math.abs(expected) + 1e-9);
}

const withTf = reason === null ? describe : describe.skip;

withTf('learning-rate schedules equal TensorFlow', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s at steps 0..44', (_name, c) => {
    const expected = tfValues?.[c.name] ?? [];
    STEPS.forEach((s, i) => expectF32(c.ours(s), expected[i] as number));
  });
});

describe('schedule arguments', () => {
  it('bad arguments are typed errors naming the option', () => {
    expect(() => exponentialDecay(0.1, { decaySteps: 0, decayRate: 0.5 })).toThrow(
      /exponentialDecay: expected decaySteps a positive number, got 0/,
    );
    expect(() => piecewiseConstant([1, 2], [0.1])).toThrow(LearningError);
    expect(() => cosineDecay(0.1, { decaySteps: 10, warmupTarget: 1, warmupSteps: -1 })).toThrow(
      /warmupSteps/,
    );
  });
});

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

async function scalarSeries(dir: string, tag: string): Promise<Array<[number, number]>> {
  const out: Array<[number, number]> = [];
  for (const file of await listEventFiles(dir)) {
    for await (const e of readEvents(file)) {
      for (const v of e.values) if (v.tag === tag) out.push([e.step, v.value as number]);
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

describe('schedules in train', () => {
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
  });

  const makeOp = (store: VariableStore, learningRate: LearningRateSchedule) =>
    createTrainOp(
      (_l, x: tf.Tensor, y: tf.Tensor) =>
        meanSquaredError(fullyConnected(x, 1, { scope: 'fc', activation: null }), y),
      tf.train.momentum(1, 0.9),
      { store, learningRate },
    );

  it('the optimizer uses schedule(step) for the update made at step; learning_rate summaries follow a resume', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-schedules-'));
    tmpDirs.push(dir);
    const schedule = CASES[1]!.ours; // exponential staircase: changes every 7 steps
    const x = tf.tensor2d([
      [1, 2],
      [3, -1],
      [0.5, 0.5],
    ]);
    const y = tf.tensor2d([[1], [2], [0]]);
    const stores = [new VariableStore(), new VariableStore()];
    try {
      const common = () => ({
        data: (function* () {
          for (;;) yield [x, y] as [tf.Tensor, tf.Tensor];
        })(),
        log: null,
        saveSummariesSteps: 3,
        saveIntervalSteps: 4,
      });
      const op1 = makeOp(stores[0]!, schedule);
      const seen: number[] = [];
      await train(op1, dir, {
        ...common(),
        numberOfSteps: 10,
        hooks: [
          {
            onStepEnd: (ctx) =>
              void seen.push(
                (ctx.trainOp.optimizer as unknown as { learningRate: number }).learningRate,
              ),
          },
        ],
      });
      // The update made at global step s (before its increment) used schedule(s).
      expect(seen).toEqual(Array.from({ length: 10 }, (_, s) => schedule(s)));
      const op2 = makeOp(stores[1]!, schedule);
      const r = await train(op2, dir, { ...common(), numberOfSteps: 17 });
      expect(r.restoredFrom).toMatch(/model\.ckpt-10$/);
      const logged = await scalarSeries(dir, 'learning_rate');
      // A fresh run's first summaries come after its first step (step 1), then every 3 steps
      // from the start, the end of the first run (10), and the resumed run's 13, 16 and end.
      expect(logged.map(([s]) => s)).toEqual([1, 3, 6, 9, 10, 13, 16, 17]);
      const expected = tfValues?.[CASES[1]!.name];
      for (const [s, v] of logged) {
        expectF32(v, Math.fround(schedule(s)));
        if (expected) expectF32(v, expected[s] as number);
      }
    } finally {
      x.dispose();
      y.dispose();
      for (const s of stores) s.dispose();
    }
  });

  // Each optimizer built at one rate, then set to another, must step exactly like one built at
  // the other (a class caching its rate would differ), on the first update and a later one.
  const OPTIMIZERS: Record<string, (lr: number) => tf.Optimizer> = {
    sgd: (lr) => tf.train.sgd(lr),
    momentum: (lr) => tf.train.momentum(lr, 0.9),
    adam: (lr) => tf.train.adam(lr),
    adamax: (lr) => tf.train.adamax(lr),
    rmsprop: (lr) => tf.train.rmsprop(lr, 0.9, 0.5, 1e-7, true),
    adagrad: (lr) => tf.train.adagrad(lr),
    adadelta: (lr) => tf.train.adadelta(lr),
  };
  it.each(Object.keys(OPTIMIZERS))('%s honours a changed learning rate', (name) => {
    const make = OPTIMIZERS[name]!;
    const before = tf.memory().numTensors;
    const run = (built: number): Float32Array => {
      const init = tf.tensor1d([1, -2, 3]);
      const v = tf.variable(init, true, `w_${name}_${built}`);
      init.dispose();
      const opt = make(built);
      for (const lr of [0.01, 0.5]) {
        setOptimizerLearningRate(opt, lr);
        tf.tidy(() => opt.applyGradients({ [v.name]: tf.tensor1d([0.3, -0.1, 0.2]) }));
      }
      const out = v.dataSync() as Float32Array;
      opt.dispose();
      // tfjs' MomentumOptimizer.dispose leaves SGD's kept -lr scalar (with or without a rate change).
      (opt as unknown as { c?: tf.Tensor }).c?.dispose();
      v.dispose();
      return out;
    };
    expect(Array.from(run(7))).toEqual(Array.from(run(0.01)));
    expect(tf.memory().numTensors).toBe(before);
  });
});
