// Moving averages: train() checkpoints shadows under TF's names, TF's variables_to_restore()
// restores them, they equal a NumPy reference, and evaluateOnce can use them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { CheckpointReader } from '@tfslim/checkpoint';
import { fullyConnected } from '@tfslim/layers';
import { meanSquaredError } from '@tfslim/losses';
import { VariableStore, withVariableStore } from '@tfslim/variables';
import { runPython, tfUnavailableReason, testBackends } from '@tfslim-internal/testing';
import { LearningError, createTrainOp, evaluateOnce, train } from './index.js';

const DECAY = 0.5; // (1+n)/(10+n) is below it for n < 8, above after: both branches of min()
const STEPS = 12;

const SCRIPT = `
import json, sys
import numpy as np
import tensorflow as tf
inp = json.load(sys.stdin)
# NumPy reference: shadow starts at the initial weights; update n uses min(decay, (1+n)/(10+n)).
ref = {}
for name, traj in inp['trajectories'].items():
    shadow = np.array(traj[0], np.float32)
    for n, w in enumerate(traj[1:]):
        d = np.float32(min(inp['decay'], (1.0 + n) / (10.0 + n)))
        shadow = shadow - (np.float32(1) - d) * (shadow - np.array(w, np.float32))
    ref[name] = shadow.tolist()
g = tf.Graph()
with g.as_default():
    w = tf.compat.v1.get_variable('fc/weights', shape=inp['shapes']['fc/weights'])
    b = tf.compat.v1.get_variable('fc/biases', shape=inp['shapes']['fc/biases'])
    ema = tf.compat.v1.train.ExponentialMovingAverage(inp['decay'])
    to_restore = ema.variables_to_restore([w, b])
    saver = tf.compat.v1.train.Saver(to_restore)
    with tf.compat.v1.Session(graph=g) as sess:
        saver.restore(sess, inp['prefix'])
        restored = {'fc/weights': sess.run(w).tolist(), 'fc/biases': sess.run(b).tolist()}
print(json.dumps({'ref': ref, 'restored': restored, 'names': sorted(to_restore.keys())}))
`;

const reason = tfUnavailableReason();
if (reason !== null) console.warn(`TensorFlow oracle skipped: ${reason}`);

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

const net = (x: tf.Tensor) => fullyConnected(x, 1, { scope: 'fc', activation: null });

describe.each(testBackends())('moving averages on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it('checkpoints shadows TF restores with ema.variables_to_restore(), equal to NumPy', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-ema-'));
    tmpDirs.push(dir);
    const store = new VariableStore();
    const x = tf.tensor2d([
      [1, 2],
      [3, -1],
      [0.5, 0.5],
      [-1, 0],
    ]);
    const y = tf.tensor2d([[1], [2], [0], [1]]);
    const names = ['fc/weights', 'fc/biases'];
    const trajectories: Record<string, number[][]> = { 'fc/weights': [], 'fc/biases': [] };
    const record = (): void => {
      for (const n of names) trajectories[n]!.push(Array.from(store.get(n)!.dataSync()));
    };
    try {
      const trainOp = createTrainOp(
        (_l, a: tf.Tensor, b: tf.Tensor) => meanSquaredError(net(a), b),
        tf.train.sgd(0.1),
        { store, movingAverageDecay: DECAY },
      );
      const r = await train(trainOp, dir, {
        data: (function* () {
          for (;;) yield [x, y] as [tf.Tensor, tf.Tensor];
        })(),
        numberOfSteps: STEPS,
        log: null,
        saveIntervalSteps: 5,
        hooks: [{ onTrainBegin: record, onStepEnd: record }],
      });
      const reader = await CheckpointReader.open(r.lastCheckpoint!);
      expect(reader.has('fc/weights/ExponentialMovingAverage')).toBe(true);
      expect(reader.has('fc/biases/ExponentialMovingAverage')).toBe(true);

      // evaluateOnce with useMovingAverages puts the shadows into the variables.
      const shadow = Array.from(
        trainOp.movingAverages!.shadowOf(store.get('fc/weights')!)!.dataSync(),
      );
      await evaluateOnce(r.lastCheckpoint!, path.join(dir, 'eval'), {
        store,
        evalOp: () => undefined,
        useMovingAverages: true,
        log: null,
      });
      expect(Array.from(store.get('fc/weights')!.dataSync())).toEqual(shadow);

      if (reason === null) {
        const shapes = Object.fromEntries(names.map((n) => [n, store.get(n)!.shape]));
        const out = runPython<{
          ref: Record<string, number[]>;
          restored: Record<string, number[] | number[][]>;
          names: string[];
        }>(SCRIPT, { trajectories, decay: DECAY, prefix: r.lastCheckpoint, shapes });
        expect(out.names).toEqual([
          'fc/biases/ExponentialMovingAverage',
          'fc/weights/ExponentialMovingAverage',
        ]);
        for (const n of names) {
          const got = out.restored[n]!.flat();
          const want = out.ref[n]!;
          got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-6));
        }
      }
      trainOp.dispose();
    } finally {
      x.dispose();
      y.dispose();
      store.dispose();
    }
  });

  it('a resumed run continues the shadows from the checkpoint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-ema-'));
    tmpDirs.push(dir);
    const x = tf.tensor2d([
      [1, 2],
      [3, -1],
    ]);
    const y = tf.tensor2d([[1], [2]]);
    const stores = [new VariableStore(), new VariableStore(), new VariableStore()];
    const run = async (store: VariableStore, logdir: string, steps: number) => {
      const op = createTrainOp(
        (_l, a: tf.Tensor, b: tf.Tensor) => meanSquaredError(net(a), b),
        tf.train.sgd(0.1),
        { store, movingAverageDecay: 0.9 },
      );
      await train(op, logdir, {
        data: (function* () {
          for (;;) yield [x, y] as [tf.Tensor, tf.Tensor];
        })(),
        numberOfSteps: steps,
        log: null,
      });
      const s = Array.from(op.movingAverages!.shadowOf(store.get('fc/weights')!)!.dataSync());
      op.dispose();
      return s;
    };
    try {
      // Same seedless init: copy the first store's initial weights into the others.
      withVariableStore(stores[0]!, () => tf.tidy(() => net(x)));
      for (const s of stores.slice(1)) {
        withVariableStore(s, () => tf.tidy(() => net(x)));
        for (const n of ['fc/weights', 'fc/biases']) s.get(n)!.assign(stores[0]!.get(n)!);
      }
      const straight = await run(stores[0]!, path.join(dir, 'a'), 6);
      await run(stores[1]!, path.join(dir, 'b'), 3);
      const resumed = await run(stores[2]!, path.join(dir, 'b'), 6);
      resumed.forEach((v, i) => expect(v).toBeCloseTo(straight[i]!, 6));
    } finally {
      x.dispose();
      y.dispose();
      for (const s of stores) s.dispose();
    }
  });

  it('a decay outside [0, 1] is a typed error', () => {
    expect(() =>
      createTrainOp(() => tf.scalar(0), tf.train.sgd(0.1), {
        store: new VariableStore(),
        movingAverageDecay: 1.5,
      }),
    ).toThrow(LearningError);
  });
});
