// The ESM TypeScript consumer of the release test: installed from the registry by name into a
// fresh project (strict, module/moduleResolution nodenext), typechecked by tsc, then run by
// node. It trains a tiny model, logs summaries, evaluates, saves and restores a checkpoint.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  CheckpointNotFoundError,
  latestCheckpoint,
  restore,
  saveCheckpoint,
} from '@tfslim/checkpoint';
import { TfslimError, isTfslimError } from '@tfslim/errors';
import { fullyConnected } from '@tfslim/layers';
import { createTrainOp, evaluateOnce, train } from '@tfslim/learning';
import { meanSquaredError } from '@tfslim/losses';
import { mean } from '@tfslim/metrics';
import { vgg16 } from '@tfslim/nets-vgg';
import { MemoryFileStore } from '@tfslim/storage';
import { listEventFiles, readEvents } from '@tfslim/summary';
import { VariableStore, variableScope, withVariableStore } from '@tfslim/variables';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`consumer (esm): ${what}`);
}

const report = await selectBackend();
console.log(`backend ${tf.getBackend()} (${typeof report === 'object' ? 'report' : 'ok'})`);
check(typeof vgg16 === 'function' && typeof MemoryFileStore === 'function', 'nets-vgg, storage');

const model = (x: tf.Tensor): tf.Tensor =>
  variableScope('net', () => fullyConnected(x, 1, { scope: 'fc', activation: null }));
// y = 2 x0 - 3 x1 + 1
const x = tf.tensor2d([
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
  [2, 1],
  [-1, 2],
]);
const y = tf.tensor2d([[1], [3], [-2], [0], [2], [-7]]);

const logdir = mkdtempSync(join(tmpdir(), 'tfslim-consumer-esm-'));
try {
  const store = new VariableStore();
  const trainOp = createTrainOp(
    (_losses: unknown, xb: tf.Tensor, yb: tf.Tensor) => meanSquaredError(model(xb), yb),
    tf.train.sgd(0.05),
    { store },
  );
  const batches = function* (): Generator<[tf.Tensor, tf.Tensor]> {
    for (;;) yield [x, y];
  };
  const result = await train(trainOp, logdir, {
    data: batches(),
    numberOfSteps: 300,
    saveIntervalSteps: 100,
    saveSummariesSteps: 50,
    log: () => {},
  });
  check(result.globalStep === 300 && result.finalLoss < 0.01, `trained: ${result.finalLoss}`);

  // Summaries: total_loss every 50 steps, up to the last.
  const lossSteps: number[] = [];
  for (const file of await listEventFiles(logdir)) {
    for await (const event of readEvents(file)) {
      for (const v of event.values) if (v.tag === 'total_loss') lossSteps.push(event.step);
    }
  }
  check(lossSteps.length >= 3 && lossSteps.includes(300), `total_loss at ${lossSteps.join()}`);

  // Evaluate the latest checkpoint in a separate store.
  const last = await latestCheckpoint(logdir);
  check(last !== null && last.endsWith('model.ckpt-300'), `latest checkpoint ${last}`);
  const evalStore = new VariableStore();
  tf.tidy(() => withVariableStore(evalStore, () => model(x)));
  const mse = mean();
  const values = await evaluateOnce(last ?? '', join(logdir, 'eval'), {
    store: evalStore,
    metrics: { mse },
    numEvals: 1,
    evalOp: () =>
      tf.tidy(() =>
        mse.update(
          tf.mean(
            tf.square(
              tf.sub(
                withVariableStore(evalStore, () => model(x)),
                y,
              ),
            ),
          ),
        ),
      ),
    log: () => {},
  });
  const evalMse = (values as Record<string, number>)['mse'] ?? NaN;
  check(evalMse < 0.01, `evaluated mse ${evalMse}`);

  // Save the trained variables and restore them into fresh ones.
  const trained = evalStore.namedVariables();
  const saved = await saveCheckpoint(join(logdir, 'export'), trained, { globalStep: 7 });
  const fresh: Record<string, tf.Variable> = {};
  for (const [name, v] of Object.entries(trained)) fresh[name] = tf.variable(tf.zerosLike(v));
  const restored = await restore(saved, fresh);
  check(restored.restored.length === Object.keys(trained).length, 'restored every variable');
  for (const [name, v] of Object.entries(trained)) {
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(v, fresh[name] ?? v))).dataSync()[0]);
    check(diff === 0, `${name} restored exactly`);
  }
  // One copy of @tfslim/errors: a package's error is a TfslimError by instanceof too.
  const missing = await restore(join(logdir, 'none'), fresh).catch((e: unknown) => e);
  check(
    missing instanceof CheckpointNotFoundError &&
      missing instanceof TfslimError &&
      isTfslimError(missing) &&
      missing.code === 'NOT_FOUND',
    `a missing checkpoint is a TfslimError with code NOT_FOUND, got ${String(missing)}`,
  );
  console.log(
    `esm consumer ok: loss ${result.finalLoss.toFixed(5)}, eval mse ${evalMse.toFixed(5)}`,
  );
} finally {
  rmSync(logdir, { recursive: true, force: true });
}
