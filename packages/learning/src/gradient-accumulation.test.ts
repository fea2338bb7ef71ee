// accumulateSteps: k micro-batches make one update equal to one step on their concatenation
// (mean-reduced loss, no batch-dependent layers); the global step counts updates; no leaks.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { fullyConnected } from '@tfslim/layers';
import { meanSquaredError } from '@tfslim/losses';
import { VariableStore, withVariableStore } from '@tfslim/variables';
import { testBackends } from '@tfslim-internal/testing';
import { LearningError, createTrainOp, train } from './index.js';

const net = (x: tf.Tensor) =>
  fullyConnected(fullyConnected(x, 4, { scope: 'fc1' }), 1, { scope: 'fc2', activation: null });
const NAMES = ['fc1/weights', 'fc1/biases', 'fc2/weights', 'fc2/biases'];

describe.each(testBackends())('gradient accumulation on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it('k micro-batches = one step on the concatenated batch (Adam, to 1e-6); global step counts updates; no leaks', () => {
    const K = 3;
    const xs = tf.randomUniform([12, 3], -1, 1, 'float32', 1);
    const ys = tf.randomUniform([12, 1], -1, 1, 'float32', 2);
    const micro = Array.from({ length: K }, (_, i) => [
      tf.slice(xs, [4 * i, 0], [4, 3]),
      tf.slice(ys, [4 * i, 0], [4, 1]),
    ]) as Array<[tf.Tensor, tf.Tensor]>;
    const [accStore, bigStore] = [new VariableStore(), new VariableStore()];
    withVariableStore(accStore, () => tf.tidy(() => net(xs)));
    withVariableStore(bigStore, () => tf.tidy(() => net(xs)));
    for (const n of NAMES) bigStore.get(n)!.assign(accStore.get(n)!);
    const lossFn = (_l: unknown, x: tf.Tensor, y: tf.Tensor) => meanSquaredError(net(x), y);
    const acc = createTrainOp(lossFn, tf.train.adam(0.05), { store: accStore, accumulateSteps: K });
    const big = createTrainOp(lossFn, tf.train.adam(0.05), { store: bigStore });
    try {
      tf.dispose(acc(...micro[0]!)); // first call builds; let the count settle after it
      tf.dispose([acc(...micro[1]!), acc(...micro[2]!)]);
      tf.dispose(big(xs, ys));
      const before = tf.memory().numTensors;
      for (let update = 0; update < 2; update++) {
        for (const m of micro) {
          acc(...m).dispose();
        }
        big(xs, ys).dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(acc.globalStep.dataSync()[0]).toBe(3);
      expect(acc.pendingMicroBatches).toBe(0);
      for (const n of NAMES) {
        const a = accStore.get(n)!.dataSync();
        const b = bigStore.get(n)!.dataSync();
        a.forEach((v, i) => expect(Math.abs(v - (b[i] as number))).toBeLessThanOrEqual(1e-6));
      }
    } finally {
      acc.dispose();
      big.dispose();
      accStore.dispose();
      bigStore.dispose();
      tf.dispose([xs, ys, ...micro.flat()]);
    }
  });

  it('train: numberOfSteps counts updates, logs and checkpoints only at updates', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-accumulate-'));
    const store = new VariableStore();
    const x = tf.tensor2d([
      [1, 2],
      [0, 1],
    ]);
    const y = tf.tensor2d([[1], [0]]);
    let batches = 0;
    const lines: string[] = [];
    try {
      const op = createTrainOp(
        (_l, a: tf.Tensor, b: tf.Tensor) => meanSquaredError(net(a), b),
        tf.train.sgd(0.1),
        { store, accumulateSteps: 2 },
      );
      const r = await train(op, dir, {
        data: (function* () {
          for (;;) {
            batches++;
            yield [x, y] as [tf.Tensor, tf.Tensor];
          }
        })(),
        numberOfSteps: 3,
        saveIntervalSteps: 1,
        log: (l) => lines.push(l),
        progress: 'none',
      });
      expect(r.globalStep).toBe(3);
      expect(batches).toBe(6);
      expect(lines.map((l) => /^global step (\d+)/.exec(l)?.[1])).toEqual(['1', '2', '3']);
      expect(
        fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.index'))
          .sort(),
      ).toEqual([0, 1, 2, 3].map((s) => `model.ckpt-${s}.index`));
      op.dispose();
    } finally {
      x.dispose();
      y.dispose();
      store.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accumulateSteps must be a positive integer', () => {
    expect(() =>
      createTrainOp(() => tf.scalar(0), tf.train.sgd(0.1), { accumulateSteps: 0 }),
    ).toThrow(/createTrainOp: expected accumulateSteps a positive integer, got 0/);
    expect(() =>
      createTrainOp(() => tf.scalar(0), tf.train.sgd(0.1), { accumulateSteps: 1.5 }),
    ).toThrow(LearningError);
  });
});
