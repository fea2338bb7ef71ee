// The CommonJS consumer of the release test: every package by require() from a fresh project.
// It trains a tiny model, logs summaries, evaluates, saves and restores a checkpoint.
const tf = require('@tensorflow/tfjs-core');
const { selectBackend } = require('@tfslim/backend-selector');
const {
  CheckpointNotFoundError,
  latestCheckpoint,
  restore,
  saveCheckpoint,
} = require('@tfslim/checkpoint');
const { TfslimError, isTfslimError } = require('@tfslim/errors');
const { fullyConnected } = require('@tfslim/layers');
const { createTrainOp, evaluateOnce, train } = require('@tfslim/learning');
const { meanSquaredError } = require('@tfslim/losses');
const { mean } = require('@tfslim/metrics');
const { vgg16 } = require('@tfslim/nets-vgg');
const { MemoryFileStore } = require('@tfslim/storage');
const { listEventFiles, readEvents } = require('@tfslim/summary');
const { VariableStore, variableScope, withVariableStore } = require('@tfslim/variables');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

function check(ok, what) {
  if (!ok) throw new Error(`consumer (cjs): ${what}`);
}

async function main() {
  await selectBackend();
  console.log(`backend ${tf.getBackend()}`);
  check(typeof vgg16 === 'function' && typeof MemoryFileStore === 'function', 'nets-vgg, storage');
  const model = (x) =>
    variableScope('net', () => fullyConnected(x, 1, { scope: 'fc', activation: null }));
  // y = -x0 + 0.5 x1 + 2
  const x = tf.tensor2d([
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
    [2, -1],
  ]);
  const y = tf.tensor2d([[2], [1], [2.5], [1.5], [-0.5]]);
  const logdir = mkdtempSync(join(tmpdir(), 'tfslim-consumer-cjs-'));
  try {
    const store = new VariableStore();
    const trainOp = createTrainOp(
      (_losses, xb, yb) => meanSquaredError(model(xb), yb),
      tf.train.sgd(0.05),
      { store },
    );
    const result = await train(trainOp, logdir, {
      data: (function* () {
        for (;;) yield [x, y];
      })(),
      numberOfSteps: 400,
      saveIntervalSteps: 200,
      saveSummariesSteps: 100,
      log: () => {},
    });
    check(result.globalStep === 400 && result.finalLoss < 0.01, `trained: ${result.finalLoss}`);

    const lossSteps = [];
    for (const file of await listEventFiles(logdir)) {
      for await (const event of readEvents(file)) {
        for (const v of event.values) if (v.tag === 'total_loss') lossSteps.push(event.step);
      }
    }
    check(lossSteps.length >= 3 && lossSteps.includes(400), `total_loss at ${lossSteps.join()}`);

    const last = await latestCheckpoint(logdir);
    check(last !== null && last.endsWith('model.ckpt-400'), `latest checkpoint ${last}`);
    const evalStore = new VariableStore();
    tf.tidy(() => withVariableStore(evalStore, () => model(x)));
    const mse = mean();
    const values = await evaluateOnce(last, join(logdir, 'eval'), {
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
    check(values.mse < 0.01, `evaluated mse ${values.mse}`);

    const trained = evalStore.namedVariables();
    const saved = await saveCheckpoint(join(logdir, 'export'), trained, { globalStep: 9 });
    const fresh = {};
    for (const [name, v] of Object.entries(trained)) fresh[name] = tf.variable(tf.zerosLike(v));
    const restored = await restore(saved, fresh);
    check(restored.restored.length === Object.keys(trained).length, 'restored every variable');
    for (const [name, v] of Object.entries(trained)) {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(v, fresh[name]))).dataSync()[0]);
      check(diff === 0, `${name} restored exactly`);
    }
    // One copy of @tfslim/errors: a package's error is a TfslimError by instanceof too.
    const missing = await restore(join(logdir, 'none'), fresh).catch((e) => e);
    check(
      missing instanceof CheckpointNotFoundError &&
        missing instanceof TfslimError &&
        isTfslimError(missing) &&
        missing.code === 'NOT_FOUND',
      `a missing checkpoint is a TfslimError with code NOT_FOUND, got ${String(missing)}`,
    );
    console.log(
      `cjs consumer ok: loss ${result.finalLoss.toFixed(5)}, eval mse ${values.mse.toFixed(5)}`,
    );
  } finally {
    rmSync(logdir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
