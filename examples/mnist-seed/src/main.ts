#!/usr/bin/env node
// The seed MNIST experiment (runs A, B, B', C) reproduced with tfslim. See README.md.
//   node src/main.mjs [--epochs 10] [--runs A,B,Bp,C] [--logdir runs/mnist-seed] [--train-limit N]
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { formatReport, selectBackend } from '@tfslim/backend-selector';
import { latestCheckpoint } from '@tfslim/checkpoint';
import { fullyConnected } from '@tfslim/layers';
import { checkpointGlobalStep, createTrainOp, evaluateOnce, train } from '@tfslim/learning';
import { meanSquaredError, perExampleSquaredError } from '@tfslim/losses';
import { categoricalAccuracy, mean, sparseCategoricalAccuracy } from '@tfslim/metrics';
import { VariableStore, variableScope, withVariableStore } from '@tfslim/variables';
import { evalBatch, loadMnist, trainBatches } from './data.mjs';

const RUNS = {
  A: { loss: 'perExampleSquaredError', lr: 0.01, what: 'sum over classes / batch (hand loop)' },
  B: { loss: 'meanSquaredError', lr: 0.01, what: "mean over classes and batch ('mse')" },
  Bp: { loss: 'meanSquaredError', lr: 0.1, what: "B with 10x the learning rate (B')" },
  C: { loss: 'perExampleSquaredError', lr: 0.01, what: 'loss A through a custom trainStepFn' },
};
const LOSSES = { perExampleSquaredError, meanSquaredError };
const BATCH = 32;

function parseArgs(argv) {
  const o = {
    epochs: 10,
    runs: ['A', 'B', 'Bp', 'C'],
    logdir: 'runs/mnist-seed',
    trainLimit: Infinity,
    testLimit: Infinity,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? a.split(/=(.*)/s, 2) : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--epochs') o.epochs = Number(value());
    else if (flag === '--runs')
      o.runs = value()
        .split(',')
        .map((r) => (r === "B'" ? 'Bp' : r.trim()));
    else if (flag === '--logdir') o.logdir = value();
    else if (flag === '--train-limit') o.trainLimit = Number(value());
    else if (flag === '--test-limit') o.testLimit = Number(value());
    else if (flag === '--help' || flag === '-h') {
      console.log(
        'usage: node src/main.mjs [--epochs 10] [--runs A,B,Bp,C] [--logdir runs/mnist-seed] [--train-limit N] [--test-limit N]',
      );
      process.exit(0);
    } else
      throw new Error(
        `mnist-seed: expected a known flag, got ${JSON.stringify(a)}. Run with --help.`,
      );
  }
  if (!(Number.isFinite(o.epochs) && o.epochs > 0))
    throw new Error(`mnist-seed: expected --epochs a positive number, got ${o.epochs}.`);
  for (const r of o.runs) {
    if (!RUNS[r])
      throw new Error(
        `mnist-seed: expected runs among ${Object.keys(RUNS).join(',')}, got ${JSON.stringify(r)}.`,
      );
  }
  return o;
}

/** The seed network: 784 -> 256 ReLU -> 128 ReLU -> 10 (no softmax). */
function mlp(x) {
  return variableScope('mlp', () => {
    const h1 = fullyConnected(x, 256, { scope: 'fc1' });
    const h2 = fullyConnected(h1, 128, { scope: 'fc2' });
    return fullyConnected(h2, 10, { scope: 'logits', activation: null });
  });
}

const pct = (v) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '-');
const num = (v, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : '-');

/** The 10x trap, on one batch: loss A / loss B with the same outputs. */
function lossRatio(ds) {
  const store = new VariableStore();
  try {
    return tf.tidy(() => {
      const [x, onehot] = trainBatches(ds, { seed: 99 }).next().value;
      const out = withVariableStore(store, () => mlp(x));
      const a = perExampleSquaredError(out, onehot).dataSync()[0];
      const b = meanSquaredError(out, onehot).dataSync()[0];
      return { a, b, ratio: a / b };
    });
  } finally {
    store.dispose();
  }
}

/** The accuracy trap: integer labels given to the categorical accuracy. */
function accuracyTrap() {
  const metric = categoricalAccuracy();
  try {
    tf.tidy(() => metric.update(tf.randomNormal([BATCH, 10]), tf.zeros([BATCH], 'int32')));
    return '(no error: the trap is open!)';
  } catch (e) {
    return `${e.name}: ${e.message}`;
  } finally {
    metric.dispose();
  }
}

/** evaluateOnce on a split: accuracy (sparse: integer labels) and the run's own loss. */
async function evaluateSplit(ckpt, logdir, ds, lossName) {
  const store = new VariableStore();
  const accuracy = sparseCategoricalAccuracy();
  const loss = mean();
  const size = 1000;
  try {
    tf.tidy(() => withVariableStore(store, () => mlp(tf.zeros([1, ds.pixels]))));
    return await evaluateOnce(ckpt, logdir, {
      store,
      metrics: { accuracy, loss },
      numEvals: Math.ceil(ds.n / size),
      log: null,
      evalOp: (k) =>
        tf.tidy(() => {
          const [x, labels] = evalBatch(ds, k, size);
          const out = withVariableStore(store, () => mlp(x));
          accuracy.update(out, labels);
          const onehot = tf.cast(tf.oneHot(labels, 10), 'float32');
          loss.update(LOSSES[lossName](out, onehot), tf.scalar(labels.shape[0]));
        }),
    });
  } finally {
    accuracy.dispose();
    loss.dispose();
    store.dispose();
  }
}

async function runOne(name, opts, trainSet, testSet) {
  const spec = RUNS[name];
  const logdir = path.join(opts.logdir, name);
  const stepsPerEpoch = Math.floor(trainSet.n / BATCH);
  const numberOfSteps = Math.round(opts.epochs * stepsPerEpoch);
  const latest = await latestCheckpoint(logdir);
  const startStep = latest ? await checkpointGlobalStep(latest) : 0;
  const store = new VariableStore();
  const lossFn = LOSSES[spec.loss];
  // Run C: the custom step keeps the logits to stream its own train accuracy (Keras' train_step).
  const running = name === 'C' ? sparseCategoricalAccuracy() : null;
  let logits = null;
  const trainOp = createTrainOp(
    (_losses, x, onehot) => {
      const out = mlp(x);
      if (running) {
        logits?.dispose();
        logits = tf.keep(tf.clone(out));
      }
      return lossFn(out, onehot);
    },
    tf.train.sgd(spec.lr),
    { store },
  );
  const trainStepFn = running
    ? (op, batch, { globalStep }) => {
        if (globalStep % stepsPerEpoch === 0) running.reset(); // running accuracy of the epoch
        const loss = op(...batch);
        running.update(logits, batch[2]);
        return loss;
      }
    : undefined;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await train(trainOp, logdir, {
    data: trainBatches(trainSet, { batchSize: BATCH, seed: 1, startStep }),
    numberOfSteps,
    logEveryNSteps: Math.max(1, Math.floor(stepsPerEpoch / 2)),
    saveIntervalSteps: stepsPerEpoch,
    saveSummariesSteps: Math.max(1, Math.floor(stepsPerEpoch / 4)),
    maxToKeep: 3,
    ...(trainStepFn ? { trainStepFn } : {}),
    summaries: async (writer, step) => {
      for (const [n, v] of Object.entries(store.namedVariables())) {
        if (n !== 'global_step') writer.histogram(n, v, step);
      }
      if (running) writer.scalar('train/running_accuracy', await running.resultNumber(), step);
    },
    log: (line) => console.log(`[${name}] ${line}`),
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const runningAcc = running && result.steps > 0 ? await running.resultNumber() : NaN;
  running?.dispose();
  logits?.dispose();
  trainOp.dispose();
  store.dispose();
  const ckpt = result.lastCheckpoint;
  const testEval = await evaluateSplit(ckpt, path.join(logdir, 'eval_test'), testSet, spec.loss);
  const trainEval = await evaluateSplit(ckpt, path.join(logdir, 'eval_train'), trainSet, spec.loss);
  return {
    run: name === 'Bp' ? "B'" : name,
    loss: spec.loss,
    lr: spec.lr,
    steps: result.steps,
    globalStep: result.globalStep,
    resumedFrom: result.restoredFrom,
    finalStepLoss: result.finalLoss,
    trainLoss: trainEval.loss,
    trainAccuracy: trainEval.accuracy,
    testAccuracy: testEval.accuracy,
    runningTrainAccuracy: runningAcc,
    seconds,
    cpuSeconds,
    msPerStep: result.steps > 0 ? (result.seconds * 1000) / result.steps : NaN,
    checkpoint: ckpt,
  };
}

function table(rows) {
  const head = [
    'run',
    'loss',
    'lr',
    'steps',
    'last step loss',
    'train loss',
    'train acc',
    'test acc',
    'seconds',
    'cpu s',
    'ms/step',
  ];
  const body = rows.map((r) => [
    r.run,
    r.loss,
    String(r.lr),
    String(r.globalStep),
    num(r.finalStepLoss),
    num(r.trainLoss),
    pct(r.trainAccuracy) +
      (Number.isFinite(r.runningTrainAccuracy) ? ` (running ${pct(r.runningTrainAccuracy)})` : ''),
    pct(r.testAccuracy),
    num(r.seconds, 1),
    num(r.cpuSeconds, 1),
    num(r.msPerStep, 2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(head),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const report = await selectBackend();
  console.log(formatReport(report));
  const trainSet = loadMnist('train', opts.trainLimit);
  const testSet = loadMnist('test', opts.testLimit);
  console.log(
    `MNIST: ${trainSet.n} train, ${testSet.n} test examples; ${opts.epochs} epoch(s), batch ${BATCH}; runs ${opts.runs.join(',')}; logs in ${opts.logdir}/<run>/`,
  );

  const ratio = lossRatio(trainSet);
  const ratioOk = Math.abs(ratio.ratio - 10) < 1e-4;
  console.log(
    `\nLoss A / loss B on the same batch: ${ratio.a.toFixed(6)} / ${ratio.b.toFixed(6)} = ${ratio.ratio.toFixed(6)} ` +
      `(${ratioOk ? 'OK: 10x, so B gets 10x smaller gradients' : 'UNEXPECTED'})`,
  );
  console.log(
    `\nThe accuracy trap (categoricalAccuracy with integer labels):\n  ${accuracyTrap()}\n`,
  );

  const rows = [];
  for (const name of opts.runs) {
    console.log(`--- run ${name}: ${RUNS[name].what}, lr ${RUNS[name].lr}`);
    rows.push(await runOne(name, opts, trainSet, testSet));
  }
  console.log(`\n${table(rows)}\n`);
  console.log(
    "Accuracies: sparseCategoricalAccuracy over the whole split, evaluated with evaluateOnce from each run's last checkpoint.",
  );
  console.log(`TensorBoard: tensorboard --logdir ${opts.logdir}`);
  console.log(
    `RESULTS ${JSON.stringify({ backend: report.backend, ratio: ratio.ratio, ratioOk, rows })}`,
  );
  if (!ratioOk) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
