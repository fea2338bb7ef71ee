#!/usr/bin/env node
// The seed MNIST experiment (runs A, B, B', C) reproduced with tfslim. See README.md.
//   npm start -w @tfslim/example-mnist-seed -- [--epochs 10] [--runs A,B,Bp,C]
//     [--logdir <dir>] [--train-limit N] [--test-limit N] [--fresh]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { formatReport, pickFastestBackend, type BackendTrial } from '@tfslim/backend-selector';
import { latestCheckpoint } from '@tfslim/checkpoint';
import { fullyConnected } from '@tfslim/layers';
import {
  checkpointGlobalStep,
  createTrainOp,
  evaluateOnce,
  train,
  type TrainOp,
  type TrainStepFn,
} from '@tfslim/learning';
import { meanSquaredError, perExampleSquaredError } from '@tfslim/losses';
import { categoricalAccuracy, mean, sparseCategoricalAccuracy } from '@tfslim/metrics';
import { listEventFiles, readEvents } from '@tfslim/summary';
import { VariableStore, variableScope, withVariableStore } from '@tfslim/variables';
import { evalBatch, loadMnist, trainBatches, type MnistSplit, type TrainBatch } from './data.js';

type RunName = 'A' | 'B' | 'Bp' | 'C';
type LossName = 'perExampleSquaredError' | 'meanSquaredError';

const RUNS: Record<RunName, { loss: LossName; lr: number; what: string }> = {
  A: { loss: 'perExampleSquaredError', lr: 0.01, what: 'sum over classes / batch (hand loop)' },
  B: { loss: 'meanSquaredError', lr: 0.01, what: "mean over classes and batch ('mse')" },
  Bp: { loss: 'meanSquaredError', lr: 0.1, what: "B with 10x the learning rate (B')" },
  C: { loss: 'perExampleSquaredError', lr: 0.01, what: 'loss A through a custom trainStepFn' },
};
const LOSSES: Record<LossName, (out: tf.Tensor, onehot: tf.Tensor) => tf.Scalar> = {
  perExampleSquaredError: (o, l) => perExampleSquaredError(o, l),
  meanSquaredError: (o, l) => meanSquaredError(o, l),
};
const BATCH = 32;
const SEED = 1;
const SETTINGS_FILE = 'settings.json';

/** The example's folder (src/ or dist/ is one level down). */
const exampleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the user stands: npm sets INIT_CWD for `npm start -w`, which runs in the example's folder. */
const userCwd = process.env['INIT_CWD'] ?? process.cwd();
/** A path as the user would type it from where they stand (absolute when it is outside). */
const shown = (p: string): string => {
  const abs = path.resolve(p);
  const rel = path.relative(userCwd, abs);
  return rel.startsWith('..') ? abs : rel || '.';
};

const USAGE = `Usage: npm start -w @tfslim/example-mnist-seed -- [options]

  --epochs N         epochs per run (default 10)
  --runs A,B,Bp,C    which runs (default all four; B' may be written Bp)
  --logdir DIR       run directory, relative to where you stand
                     (default ${shown(path.join(exampleDir, 'runs', 'mnist-seed'))})
  --train-limit N    use the first N training examples (default all 60000)
  --test-limit N     use the first N test examples (default all 10000)
  --fresh            delete the runs' checkpoints and logs in DIR first, start from step 0
  -h, --help         print this help

A rerun with the same settings resumes from each run's last checkpoint and says so; a rerun
with other settings is refused (pass --fresh, or another --logdir).`;

interface Options {
  epochs: number;
  runs: RunName[];
  logdir: string;
  trainLimit: number;
  testLimit: number;
  fresh: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options | null {
  const o: Options = {
    epochs: 10,
    runs: ['A', 'B', 'Bp', 'C'],
    logdir: path.join(exampleDir, 'runs', 'mnist-seed'),
    trainLimit: Infinity,
    testLimit: Infinity,
    fresh: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = eq >= 0 ? a.slice(0, eq) : a;
    const inline = eq >= 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined)
        throw new UsageError(`mnist-seed: expected a value after ${flag}, got none.`);
      return v;
    };
    if (flag === '--epochs') o.epochs = Number(value());
    else if (flag === '--runs')
      o.runs = value()
        .split(',')
        .map((r) => (r.trim() === "B'" ? 'Bp' : r.trim())) as RunName[];
    else if (flag === '--logdir') o.logdir = path.resolve(userCwd, value());
    else if (flag === '--train-limit') o.trainLimit = Number(value());
    else if (flag === '--test-limit') o.testLimit = Number(value());
    else if (flag === '--fresh') o.fresh = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      return null;
    } else
      throw new UsageError(
        `mnist-seed: expected a known flag, got ${JSON.stringify(a)}. Run with --help.`,
      );
  }
  if (!(Number.isFinite(o.epochs) && o.epochs > 0))
    throw new UsageError(`mnist-seed: expected --epochs a positive number, got ${o.epochs}.`);
  for (const [flag, v] of [
    ['--train-limit', o.trainLimit],
    ['--test-limit', o.testLimit],
  ] as const) {
    if (!(v === Infinity || (Number.isInteger(v) && v >= BATCH)))
      throw new UsageError(`mnist-seed: expected ${flag} an integer >= ${BATCH}, got ${v}.`);
  }
  for (const r of o.runs) {
    if (!(r in RUNS))
      throw new UsageError(
        `mnist-seed: expected runs among ${Object.keys(RUNS).join(',')}, got ${JSON.stringify(r)}.`,
      );
  }
  return o;
}

/** What decides a run's numbers: a run directory only resumes under the same settings. */
interface Settings {
  epochs: number;
  trainExamples: number;
  testExamples: number;
  batch: number;
  seed: number;
}

function describe(s: Settings): string {
  return `--epochs ${s.epochs} --train-limit ${s.trainExamples} --test-limit ${s.testExamples} (batch ${s.batch}, seed ${s.seed})`;
}

const RUN_ENTRIES = new Set<string>([...Object.keys(RUNS), SETTINGS_FILE]);

/**
 * Makes `logdir` ready for `settings`: a new or empty directory gets the settings file; one
 * made with the same settings resumes (said out loud); other settings are refused unless
 * `fresh`, which deletes only what this program writes there (the run folders and the
 * settings file), so a mistyped --logdir never loses anything else.
 */
function prepareLogdir(logdir: string, settings: Settings, fresh: boolean): 'new' | 'resume' {
  const file = path.join(logdir, SETTINGS_FILE);
  const entries = fs.existsSync(logdir) ? fs.readdirSync(logdir) : [];
  const ours = entries.filter((e) => RUN_ENTRIES.has(e));
  if (fresh && ours.length > 0) {
    for (const e of ours) fs.rmSync(path.join(logdir, e), { recursive: true, force: true });
    console.log(`--fresh: deleted ${ours.map((e) => shown(path.join(logdir, e))).join(', ')}`);
  } else if (ours.length > 0) {
    let old: Settings | null = null;
    try {
      old = JSON.parse(fs.readFileSync(file, 'utf8')) as Settings;
    } catch {
      old = null;
    }
    if (old !== null && JSON.stringify(old) === JSON.stringify(settings)) {
      console.log(
        `Resuming the runs in ${shown(logdir)} (same settings: ${describe(settings)}): each run continues from its last checkpoint. Pass --fresh to start over.`,
      );
      return 'resume';
    }
    const was =
      old === null
        ? `settings not recorded (no readable ${SETTINGS_FILE})`
        : `made with ${describe(old)}`;
    throw new UsageError(
      `mnist-seed: expected ${shown(logdir)} to hold runs with the same settings, got runs ${was}, ` +
        `not ${describe(settings)}. Its checkpoints would be resumed as if they were this run's. ` +
        `Pass --fresh to delete them and start over, or --logdir <another dir>.`,
    );
  }
  fs.mkdirSync(logdir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  return 'new';
}

/** The seed network: 784 -> 256 ReLU -> 128 ReLU -> 10 (no softmax). */
function mlp(x: tf.Tensor): tf.Tensor {
  return variableScope('mlp', () => {
    const h1 = fullyConnected(x, 256, { scope: 'fc1' });
    const h2 = fullyConnected(h1, 128, { scope: 'fc2' });
    return fullyConnected(h2, 10, { scope: 'logits', activation: null });
  });
}

/** What the backend is picked for: run A's train step on one batch, on a throwaway model. */
function trainStepTrial(ds: MnistSplit): BackendTrial {
  const store = new VariableStore();
  const optimizer = tf.train.sgd(RUNS.A.lr);
  const batches = trainBatches(ds, { seed: 99 });
  const [x, onehot] = batches.next().value as TrainBatch;
  const op = createTrainOp(
    (_losses, xs: tf.Tensor2D, ys: tf.Tensor2D) => LOSSES[RUNS.A.loss](mlp(xs), ys),
    optimizer,
    { store },
  );
  return {
    step: () => op(x, onehot).dispose(), // reads the loss (the finite check): a full step
    dispose: () => {
      op.dispose();
      optimizer.dispose();
      store.dispose();
      batches.return(undefined);
    },
  };
}

const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '-');
const num = (v: number, d = 4): string => (Number.isFinite(v) ? v.toFixed(d) : '-');

/** The 10x trap, on one batch: loss A / loss B with the same outputs. */
function lossRatio(ds: MnistSplit): { a: number; b: number; ratio: number } {
  const store = new VariableStore();
  const batches = trainBatches(ds, { seed: 99 });
  try {
    return tf.tidy(() => {
      const [x, onehot] = batches.next().value as TrainBatch;
      const out = withVariableStore(store, () => mlp(x));
      const a = perExampleSquaredError(out, onehot).dataSync()[0]!;
      const b = meanSquaredError(out, onehot).dataSync()[0]!;
      return { a, b, ratio: a / b };
    });
  } finally {
    batches.return(undefined);
    store.dispose();
  }
}

/** The accuracy trap: integer labels given to the categorical accuracy. */
function accuracyTrap(): string {
  const metric = categoricalAccuracy();
  try {
    tf.tidy(() => metric.update(tf.randomNormal([BATCH, 10]), tf.zeros([BATCH], 'int32')));
    return '(no error: the trap is open!)';
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } finally {
    metric.dispose();
  }
}

type EvalValues = { accuracy: number; loss: number };

/** Values an earlier run of this program already wrote to `logdir` at `step`, if any. */
async function earlierEvaluation(logdir: string, step: number): Promise<EvalValues | null> {
  if (!fs.existsSync(logdir)) return null;
  const found: Partial<EvalValues> = {};
  for (const file of await listEventFiles(logdir)) {
    for await (const e of readEvents(file)) {
      if (e.step !== step) continue;
      for (const v of e.values) {
        if (v.kind === 'scalar' && (v.tag === 'accuracy' || v.tag === 'loss'))
          found[v.tag] = v.value;
      }
    }
  }
  return found.accuracy !== undefined && found.loss !== undefined
    ? { accuracy: found.accuracy, loss: found.loss }
    : null;
}

/**
 * evaluateOnce on a split: accuracy (sparse: integer labels) and the run's own loss. A
 * checkpoint evaluated before (a resumed run with nothing left to train) is read back from its
 * events instead, so the logs never get two values at one step.
 */
async function evaluateSplit(
  ckpt: string,
  logdir: string,
  ds: MnistSplit,
  lossName: LossName,
): Promise<EvalValues & { reused: boolean }> {
  const step = await checkpointGlobalStep(ckpt);
  const earlier = await earlierEvaluation(logdir, step);
  if (earlier !== null) return { ...earlier, reused: true };
  const store = new VariableStore();
  const accuracy = sparseCategoricalAccuracy();
  const loss = mean();
  const size = 1000;
  try {
    tf.tidy(() => withVariableStore(store, () => mlp(tf.zeros([1, ds.pixels]))));
    const values = await evaluateOnce<EvalValues>(ckpt, logdir, {
      store,
      metrics: { accuracy, loss },
      numEvals: Math.ceil(ds.n / size),
      log: null,
      progress: 'none',
      evalOp: (k) =>
        tf.tidy(() => {
          const [x, labels] = evalBatch(ds, k, size);
          const out = withVariableStore(store, () => mlp(x));
          accuracy.update(out, labels);
          const onehot = tf.cast(tf.oneHot(labels, 10), 'float32');
          loss.update(LOSSES[lossName](out, onehot), tf.scalar(labels.shape[0]));
        }),
    });
    return { ...values, reused: false };
  } finally {
    accuracy.dispose();
    loss.dispose();
    store.dispose();
  }
}

interface Row {
  run: string;
  loss: LossName;
  lr: number;
  steps: number;
  globalStep: number;
  resumedFrom: string | null;
  finalStepLoss: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  runningTrainAccuracy: number;
  seconds: number;
  cpuSeconds: number;
  msPerStep: number;
  checkpoint: string | null;
}

async function runOne(
  name: RunName,
  opts: Options,
  trainSet: MnistSplit,
  testSet: MnistSplit,
): Promise<Row> {
  const spec = RUNS[name];
  const logdir = path.join(opts.logdir, name);
  const stepsPerEpoch = Math.floor(trainSet.n / BATCH);
  const numberOfSteps = Math.round(opts.epochs * stepsPerEpoch);
  const latest = await latestCheckpoint(logdir);
  const startStep = latest ? await checkpointGlobalStep(latest) : 0;
  if (latest !== null) {
    console.log(
      `[${name}] resuming from ${shown(latest)} (step ${startStep} of ${numberOfSteps})` +
        (startStep >= numberOfSteps ? ': already trained, evaluating its last checkpoint' : ''),
    );
  }
  const store = new VariableStore();
  const lossFn = LOSSES[spec.loss];
  // Run C: the custom step keeps the logits to stream its own train accuracy (Keras' train_step).
  const running = name === 'C' ? sparseCategoricalAccuracy() : null;
  let logits: tf.Tensor | null = null;
  const trainOp: TrainOp<TrainBatch> = createTrainOp(
    (_losses, x: tf.Tensor2D, onehot: tf.Tensor2D) => {
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
  const trainStepFn: TrainStepFn<TrainBatch> | undefined = running
    ? (op, batch, { globalStep }) => {
        if (globalStep % stepsPerEpoch === 0) running.reset(); // running accuracy of the epoch
        const loss = op(...batch);
        if (logits !== null) running.update(logits, batch[2]);
        return loss;
      }
    : undefined;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await train(trainOp, logdir, {
    data: trainBatches(trainSet, { batchSize: BATCH, seed: SEED, startStep }),
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
    log: (line) => {
      // train's own "Restored <path>" is said above, relative to where the user stands.
      if (!line.startsWith('Restored ')) console.log(`[${name}] ${line}`);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const runningAcc = running && result.steps > 0 ? await running.resultNumber() : NaN;
  running?.dispose();
  (logits as tf.Tensor | null)?.dispose();
  trainOp.dispose();
  store.dispose();
  const ckpt = result.lastCheckpoint;
  if (ckpt === null) throw new Error(`mnist-seed: run ${name} saved no checkpoint.`);
  const testEval = await evaluateSplit(ckpt, path.join(logdir, 'eval_test'), testSet, spec.loss);
  const trainEval = await evaluateSplit(ckpt, path.join(logdir, 'eval_train'), trainSet, spec.loss);
  if (testEval.reused || trainEval.reused) {
    console.log(
      `[${name}] ${shown(ckpt)} was evaluated before: its accuracy and loss are read back from ${shown(path.join(logdir, 'eval_*'))} (no second event at step ${result.globalStep})`,
    );
  }
  return {
    run: name === 'Bp' ? "B'" : name,
    loss: spec.loss,
    lr: spec.lr,
    steps: result.steps,
    globalStep: result.globalStep,
    resumedFrom: result.restoredFrom === null ? null : shown(result.restoredFrom),
    finalStepLoss: result.finalLoss,
    trainLoss: trainEval.loss,
    trainAccuracy: trainEval.accuracy,
    testAccuracy: testEval.accuracy,
    runningTrainAccuracy: runningAcc,
    seconds,
    cpuSeconds,
    msPerStep: result.steps > 0 ? (result.seconds * 1000) / result.steps : NaN,
    checkpoint: shown(ckpt),
  };
}

function table(rows: Row[]): string {
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
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(head),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  if (opts === null) return 0;
  const trainSet = loadMnist('train', opts.trainLimit);
  const testSet = loadMnist('test', opts.testLimit);
  // The backend that runs this model fastest here (native TensorFlow loses to wasm on an MLP
  // this small: its per-op cost outweighs its faster matmuls); TFSLIM_BACKEND forces one.
  const report = await pickFastestBackend({ trial: () => trainStepTrial(trainSet) });
  console.log(formatReport(report));
  const settings: Settings = {
    epochs: opts.epochs,
    trainExamples: trainSet.n,
    testExamples: testSet.n,
    batch: BATCH,
    seed: SEED,
  };
  prepareLogdir(opts.logdir, settings, opts.fresh);
  console.log(
    `MNIST: ${trainSet.n} train, ${testSet.n} test examples; ${opts.epochs} epoch(s), batch ${BATCH}; runs ${opts.runs.join(',')}; logs in ${shown(opts.logdir)}/<run>/`,
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

  const rows: Row[] = [];
  for (const name of opts.runs) {
    console.log(`--- run ${name}: ${RUNS[name].what}, lr ${RUNS[name].lr}`);
    rows.push(await runOne(name, opts, trainSet, testSet));
  }
  console.log(`\n${table(rows)}\n`);
  console.log(
    "Accuracies: sparseCategoricalAccuracy over the whole split, evaluated with evaluateOnce from each run's last checkpoint.",
  );
  console.log(`TensorBoard: tensorboard --logdir ${shown(opts.logdir)}`);
  console.log(
    `RESULTS ${JSON.stringify({ backend: report.backend, ratio: ratio.ratio, ratioOk, rows })}`,
  );
  return ratioOk ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof UsageError ? e.message : e);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
