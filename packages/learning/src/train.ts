import * as tf from '@tensorflow/tfjs-core';
import { latestCheckpoint, restore, saveCheckpoint } from '@tfslim/checkpoint';
import type { FileStore } from '@tfslim/storage';
import { defaultFileStore } from '@tfslim/storage';
import { SummaryWriter } from '@tfslim/summary';
import { GLOBAL_STEP_NAME } from '@tfslim/variables';
import type { TrainOp, TrainOutputs } from './createTrainOp.js';
import { LearningError } from './errors.js';
import { defaultLogEveryNSteps, formatStepTime, logger, nowSecs, type LogFn } from './log.js';
import { lockLogdir } from './logdir-lock.js';
import { createProgress, type ProgressMode, type ProgressStream } from './progress.js';
import { optimizerSlots, restoreOptimizerSlots } from './slots.js';

/** What a custom train step returns: the loss, and optionally a request to stop. */
export type TrainStepResult = tf.Scalar | { loss: tf.Scalar; shouldStop?: boolean };

/**
 * A custom train step (slim's `train_step_fn`): runs one step, usually by calling
 * `trainOp(...batch)`, and returns the loss tensor (which `train` disposes).
 */
export type TrainStepFn<A extends unknown[], O extends TrainOutputs = TrainOutputs> = (
  trainOp: TrainOp<A, O>,
  batch: A,
  info: { globalStep: number },
) => TrainStepResult | Promise<TrainStepResult>;

/** Options of {@link train} (slim's `train` keyword arguments). */
export interface TrainOptions<A extends unknown[], O extends TrainOutputs = TrainOutputs> {
  /** Stop when the global step reaches this (absolute, so a resumed run stops at the same step). */
  numberOfSteps?: number;
  /** Batches: each element is the argument list of one step. When it ends, training stops. */
  data?: Iterable<A> | AsyncIterable<A>;
  /**
   * Log `global step N: loss = X (Y ms/step)` every N steps (0 = never). Default: about ten
   * lines a run (every tenth of `numberOfSteps`, else every 100 steps); every step behind a
   * terminal progress bar, which shows the loss instead of the lines.
   */
  logEveryNSteps?: number;
  /**
   * Called once when the logdir holds no checkpoint (e.g. restore a pre-trained model:
   * `assignFromCheckpointFn(...)`'s function, as it is). What it returns is ignored.
   */
  initFn?: (() => unknown) | null;
  /** Seconds between summaries (default 600). Ignored when `saveSummariesSteps` is set. */
  saveSummariesSecs?: number;
  /** Steps between summaries (instead of seconds). */
  saveSummariesSteps?: number;
  /** Seconds between checkpoints (default 600). Ignored when `saveIntervalSteps` is set. */
  saveIntervalSecs?: number;
  /** Steps between checkpoints (instead of seconds). */
  saveIntervalSteps?: number;
  /** Checkpoints kept (default 5; 0 or Infinity keeps all). */
  maxToKeep?: number;
  /** Save the optimizer's slots TF1-style as `<variable>/<SlotName>` (default true). */
  saveOptimizerSlots?: boolean;
  /** Replaces the default step (`trainOp(...batch)`). */
  trainStepFn?: TrainStepFn<A, O>;
  /** Writes extra summaries (scalars, histograms) when summaries are due. */
  summaries?: (writer: SummaryWriter, globalStep: number) => void | Promise<void>;
  /** Where log lines go (default console.log; null silences). */
  log?: LogFn;
  /**
   * Where checkpoints and event files go: a `FileStore` from `@tfslim/storage` (default: the
   * file system in Node, one in-memory store per page in a browser).
   */
  fileStore?: FileStore;
  /**
   * Dispose each batch's tensors once its step is done (default true). Only tensors created
   * after `train` started (by your `data` iterator) are disposed, and never one the next batch
   * reuses; tensors you made before calling `train` stay yours. Pass false to keep them all.
   */
  disposeBatches?: boolean;
  /**
   * Progress display (default `'auto'`: a bar with steps, loss and ETA when `progressStream` is
   * a TTY and `CI` is unset, else a plain line about every 10% of `numberOfSteps`; `'none'`
   * when `log` is null). See {@link ProgressMode}.
   */
  progress?: ProgressMode;
  /** Where progress goes (default `process.stderr`; in a browser nothing unless given). */
  progressStream?: ProgressStream;
}

/** What {@link train} returns besides the final loss. */
export interface TrainResult {
  /** The loss of the last step (NaN when no step ran). */
  finalLoss: number;
  /** The global step at the end. */
  globalStep: number;
  /** Steps run in this call. */
  steps: number;
  /** The checkpoint restored at start, if any. */
  restoredFrom: string | null;
  /** The last checkpoint written. */
  lastCheckpoint: string | null;
  /** Seconds spent in this call. */
  seconds: number;
}

interface Duty {
  lastStep: number;
  lastTime: number;
  steps: number | undefined;
  secs: number;
}

function due(d: Duty, step: number, now: number): boolean {
  if (d.steps !== undefined) return d.steps > 0 && step - d.lastStep >= d.steps;
  return now - d.lastTime >= d.secs;
}

function checkCount(name: string, v: number | undefined, allowZero: boolean): void {
  if (v === undefined) return;
  const ok = Number.isFinite(v) && v >= 0 && (allowZero || v > 0);
  if (!ok) {
    throw new LearningError(
      `train: expected ${name} a ${allowZero ? 'non-negative' : 'positive'} number, got ${v}. Pass e.g. 100.`,
    );
  }
}

function* repeatEmpty<A extends unknown[]>(): Iterator<A> {
  for (;;) yield [] as unknown as A;
}

/** The tensors of a batch (arrays and plain objects, one level at a time). */
function batchTensors(value: unknown, out: Set<tf.Tensor>, depth = 0): Set<tf.Tensor> {
  if (value instanceof tf.Tensor) out.add(value);
  else if (depth < 8 && Array.isArray(value))
    for (const v of value) batchTensors(v, out, depth + 1);
  else if (depth < 8 && value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === Object.prototype || proto === null)
      for (const v of Object.values(value)) batchTensors(v, out, depth + 1);
  }
  return out;
}

/** The id the next tensor created will get (tensors with a lower id existed before). */
function nextTensorId(): number {
  const probe = tf.scalar(0);
  probe.dispose();
  return probe.id + 1;
}

/**
 * TF-Slim's `train`: runs `trainOp` until the global step reaches `numberOfSteps` or `data`
 * ends. Resumes from the latest checkpoint in `logdir` (then `initFn` is skipped), else calls
 * `initFn`. Logs `global step N: loss = X (Y ms/step)`, writes summaries (`total_loss`,
 * `global_step/sec`, the `summaries` callback's, gradient histograms with
 * `summarizeGradients`) and checkpoints `logdir/model.ckpt-<step>` at start and then every
 * interval (seconds or steps), and a final checkpoint. Returns the final loss and more.
 * Holds `logdir/train.lock` while it runs: a second trainer on the same logdir is refused
 * with `LogdirLockedError` (a lock left by a process that died is taken over).
 *
 * @example
 * const trainOp = createTrainOp((_l, x, y) => meanSquaredError(model(x), y), tf.train.sgd(0.1), { store });
 * const { finalLoss } = await train(trainOp, '/tmp/run1', {
 *   data: batches, // iterable of [x, y]
 *   numberOfSteps: 1000,
 *   logEveryNSteps: 100,
 *   saveIntervalSteps: 500,
 * });
 */
export async function train<A extends unknown[], O extends TrainOutputs = TrainOutputs>(
  trainOp: TrainOp<A, O>,
  logdir: string,
  options: TrainOptions<A, O> = {},
): Promise<TrainResult> {
  if (typeof logdir !== 'string' || logdir.length === 0) {
    throw new LearningError(
      `train: expected logdir a directory path, got ${JSON.stringify(logdir)}. Pass e.g. 'runs/exp1'.`,
    );
  }
  // One trainer per logdir: a second one would overwrite this one's checkpoints.
  const lock = await lockLogdir(options.fileStore ?? defaultFileStore(), logdir);
  try {
    return await trainInLogdir(trainOp, logdir, options);
  } finally {
    await lock.release().catch(() => undefined);
  }
}

async function trainInLogdir<A extends unknown[], O extends TrainOutputs>(
  trainOp: TrainOp<A, O>,
  logdir: string,
  options: TrainOptions<A, O>,
): Promise<TrainResult> {
  if (typeof trainOp !== 'function' || typeof trainOp.build !== 'function') {
    throw new LearningError(
      `train: expected a train op from createTrainOp, got ${typeof trainOp}. Create it with createTrainOp(lossFn, optimizer).`,
    );
  }
  const { numberOfSteps, data } = options;
  checkCount('numberOfSteps', numberOfSteps, true);
  checkCount('logEveryNSteps', options.logEveryNSteps, true);
  checkCount('saveSummariesSteps', options.saveSummariesSteps, false);
  checkCount('saveIntervalSteps', options.saveIntervalSteps, false);
  if (numberOfSteps === undefined && data === undefined) {
    throw new LearningError(
      'train: expected numberOfSteps or data (or both), got neither. Pass numberOfSteps: N or an iterable of batches.',
    );
  }
  const log = logger(options.log);
  const store = trainOp.store;
  const start = nowSecs();
  const firstOwnedId = nextTensorId();
  const disposeBatches = options.disposeBatches ?? true;
  const releaseBatch = (done: A | undefined, upcoming: A | undefined): void => {
    if (!disposeBatches || done === undefined) return;
    const keep = upcoming === undefined ? new Set<tf.Tensor>() : batchTensors(upcoming, new Set());
    for (const t of batchTensors(done, new Set())) {
      if (t.id >= firstOwnedId && !keep.has(t) && !(t instanceof tf.Variable)) t.dispose();
    }
  };
  const fileStore = options.fileStore ?? defaultFileStore();
  await fileStore.mkdir(logdir);

  const iterator: Iterator<A> | AsyncIterator<A> =
    data === undefined
      ? repeatEmpty<A>()
      : Symbol.asyncIterator in data
        ? (data as AsyncIterable<A>)[Symbol.asyncIterator]()
        : (data as Iterable<A>)[Symbol.iterator]();
  const next = async (): Promise<A | undefined> => {
    const r = await iterator.next();
    return r.done ? undefined : r.value;
  };

  let batch = await next();
  if (batch !== undefined) {
    try {
      trainOp.build(...batch);
    } catch (e) {
      if (data !== undefined || e instanceof LearningError) {
        releaseBatch(batch, undefined);
        throw e;
      }
      throw new LearningError(
        `train: expected the data option (an iterable of batches) for a model that takes inputs, got no data: ` +
          `running the train op with no arguments failed (${e instanceof Error ? e.message : String(e)}). ` +
          'Pass data: an iterable whose elements are the argument lists of your loss function, e.g. data: batches() yielding [x, y].',
      );
    }
  }

  const saveables = async (): Promise<Record<string, tf.Tensor>> => {
    const vars: Record<string, tf.Tensor> = { ...store.namedVariables() };
    vars[GLOBAL_STEP_NAME] = trainOp.globalStep;
    if (options.saveOptimizerSlots ?? true) {
      Object.assign(vars, await optimizerSlots(trainOp.optimizer, trainOp.variablesToTrain, store));
    }
    return vars;
  };

  // Resume, or initialise.
  let restoredFrom: string | null = null;
  const latest = await latestCheckpoint(logdir, { store: fileStore });
  if (latest !== null) {
    const vars: Record<string, tf.Variable> = { ...store.namedVariables() };
    vars[GLOBAL_STEP_NAME] = trainOp.globalStep;
    await restore(latest, vars, { store: fileStore });
    restoredFrom = latest;
    const note = await restoreOptimizerSlots(
      latest,
      trainOp.optimizer,
      trainOp.variablesToTrain,
      store,
      trainOp.globalStep.dataSync()[0] as number,
      fileStore,
    );
    log(`Restored ${latest}${note ? ` (${note})` : ''}`);
  } else if (options.initFn) {
    await options.initFn();
  }

  let step = trainOp.globalStep.dataSync()[0] as number;
  const startStep = step;
  const progress = createProgress(
    'train',
    'step',
    startStep,
    numberOfSteps,
    options.progress,
    options.progressStream,
    options.log === null,
  );
  const logEvery =
    options.logEveryNSteps ??
    defaultLogEveryNSteps(numberOfSteps, progress.bar && options.log === undefined);
  const writer = new SummaryWriter(logdir, { store: fileStore });
  const t0 = nowSecs();
  const summaryDuty: Duty = {
    lastStep: step,
    lastTime: t0,
    steps: options.saveSummariesSteps,
    secs: options.saveSummariesSecs ?? 600,
  };
  const saveDuty: Duty = {
    lastStep: step,
    lastTime: t0,
    steps: options.saveIntervalSteps,
    secs: options.saveIntervalSecs ?? 600,
  };
  let lastCheckpoint: string | null = null;
  let lastLoss: tf.Scalar | null = null;
  let finalLoss = NaN;

  // A fresh run's start summaries wait for its first step, which has a loss to write; they keep
  // the schedule of the start (steps N, 2N, ...). global_step/sec covers the steps since the last.
  let startSummaries = trainOp.built && restoredFrom === null;
  const lastSummaries = { step, time: t0 };
  const writeSummaries = async (now: number): Promise<void> => {
    const dt = now - lastSummaries.time;
    const ds = step - lastSummaries.step;
    if (dt > 0 && ds > 0) writer.scalar('global_step/sec', ds / dt, step);
    if (lastLoss !== null) writer.scalar('total_loss', lastLoss, step);
    for (const [name, g] of Object.entries(trainOp.lastGradients)) {
      writer.histogram(`${name}/gradients`, g, step);
      const norm = tf.tidy(() => tf.norm(g));
      writer.scalar(`${name}/gradient_norm`, norm, step);
      norm.dispose();
    }
    if (options.summaries) await options.summaries(writer, step);
    Object.assign(lastSummaries, { step, time: now });
    if (!startSummaries) Object.assign(summaryDuty, { lastStep: step, lastTime: now });
    startSummaries = false;
  };
  const save = async (now: number): Promise<void> => {
    const saveOptions: { globalStep: number; maxToKeep?: number; store: FileStore } = {
      globalStep: step,
      store: fileStore,
    };
    if (options.maxToKeep !== undefined) saveOptions.maxToKeep = options.maxToKeep;
    lastCheckpoint = await saveCheckpoint(logdir, await saveables(), saveOptions);
    saveDuty.lastStep = step;
    saveDuty.lastTime = now;
  };

  try {
    // Duties fire at start (only once variables exist; summaries after the first step), except
    // on resume: the run that wrote the checkpoint already wrote this step's summaries and
    // checkpoint, and a second copy would duplicate them.
    if (trainOp.built && restoredFrom === null) await save(t0);
    while (batch !== undefined && (numberOfSteps === undefined || step < numberOfSteps)) {
      const s0 = nowSecs();
      let loss: tf.Scalar;
      let shouldStop = false;
      if (options.trainStepFn) {
        const r = await options.trainStepFn(trainOp, batch, { globalStep: step });
        if (r instanceof tf.Tensor) loss = r;
        else {
          loss = r.loss;
          shouldStop = r.shouldStop ?? false;
        }
        step = trainOp.globalStep.dataSync()[0] as number;
      } else {
        loss = trainOp(...batch);
        step += 1;
      }
      lastLoss?.dispose();
      lastLoss = loss;
      const now = nowSecs();
      if (logEvery > 0 && step % logEvery === 0) {
        const v = (await loss.data())[0] as number;
        // On a terminal with the default log, the bar shows the step and loss instead.
        if (!(progress.bar && options.log === undefined)) {
          progress.log(
            `global step ${step}: loss = ${v.toFixed(4)} (${formatStepTime(now - s0)})`,
            log,
          );
        }
        progress.update(step, v);
      } else progress.update(step);
      if (startSummaries || due(summaryDuty, step, now)) await writeSummaries(now);
      if (due(saveDuty, step, now)) await save(now);
      if (shouldStop) break;
      if (numberOfSteps !== undefined && step >= numberOfSteps) break;
      const done: A = batch;
      batch = await next();
      releaseBatch(done, batch);
    }
    if (lastLoss !== null) finalLoss = (await lastLoss.data())[0] as number;
    if (trainOp.built && step !== saveDuty.lastStep) await save(nowSecs());
    if (startSummaries || (trainOp.built && step !== lastSummaries.step)) {
      await writeSummaries(nowSecs());
    }
  } finally {
    progress.finish();
    releaseBatch(batch, undefined);
    lastLoss?.dispose();
    await writer.close();
    await iterator.return?.();
  }
  if (lastCheckpoint === null && restoredFrom !== null) lastCheckpoint = restoredFrom;
  return {
    finalLoss,
    globalStep: step,
    steps: step - startStep,
    restoredFrom,
    lastCheckpoint,
    seconds: nowSecs() - start,
  };
}
