// train: slim's training loop (resume, checkpoints, summaries, hooks, progress).
import type * as tf from '@tensorflow/tfjs-core';
import type { FileStore } from '@tfslim/storage';
import { defaultFileStore } from '@tfslim/storage';
import type { SummaryWriter } from '@tfslim/summary';
import type { TrainOp, TrainOutputs } from './create-train-op.js';
import { BatchSource } from './duties/batch-source.js';
import { checkpointDuty } from './duties/checkpoint-duty.js';
import { progressDuty } from './duties/progress-duty.js';
import { resumeDuty } from './duties/resume-duty.js';
import { signalDuty } from './duties/signal-duty.js';
import { runStep } from './duties/step-runner.js';
import { summaryDuty } from './duties/summary-duty.js';
import { LearningError } from './errors.js';
import type { TrainHook } from './hooks.js';
import { logger, nowSecs, type LogFn } from './log.js';
import { lockLogdir } from './logdir-lock.js';
import type { ProgressMode, ProgressStream } from './progress.js';
import { TrainRun } from './train-run.js';

/**
 * What a custom train step returns: the loss, and optionally a request to stop and the step's
 * outputs (handed to the hooks' `onStepEnd`).
 */
export type TrainStepResult =
  tf.Scalar | { loss: tf.Scalar; shouldStop?: boolean; outputs?: unknown };

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
  /** Hooks called at the start, after each step and checkpoint, and at the end ({@link TrainHook}). */
  hooks?: readonly TrainHook[];
  /**
   * In Node, stop cleanly on SIGINT/SIGTERM: finish the step, write the final checkpoint and
   * summaries, return (a second signal exits at once). Default true.
   */
  stopOnSignals?: boolean;
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

function checkCount(name: string, v: number | undefined, allowZero: boolean): void {
  if (v === undefined) return;
  const ok = Number.isFinite(v) && v >= 0 && (allowZero || v > 0);
  if (!ok) {
    throw new LearningError(
      `train: expected ${name} a ${allowZero ? 'non-negative' : 'positive'} number, got ${v}. Pass e.g. 100.`,
    );
  }
}

function checkArguments<A extends unknown[]>(
  trainOp: TrainOp<A>,
  logdir: string,
  options: TrainOptions<A>,
): void {
  if (typeof trainOp !== 'function' || typeof trainOp.build !== 'function') {
    throw new LearningError(
      `train: expected a train op from createTrainOp, got ${typeof trainOp}. Create it with createTrainOp(lossFn, optimizer).`,
    );
  }
  if (typeof logdir !== 'string' || logdir.length === 0) {
    throw new LearningError(
      `train: expected logdir a directory path, got ${JSON.stringify(logdir)}. Pass e.g. 'runs/exp1'.`,
    );
  }
  checkCount('numberOfSteps', options.numberOfSteps, true);
  checkCount('logEveryNSteps', options.logEveryNSteps, true);
  checkCount('saveSummariesSteps', options.saveSummariesSteps, false);
  checkCount('saveIntervalSteps', options.saveIntervalSteps, false);
  if (options.numberOfSteps === undefined && options.data === undefined) {
    throw new LearningError(
      'train: expected numberOfSteps or data (or both), got neither. Pass numberOfSteps: N or an iterable of batches.',
    );
  }
}

/** Builds the model on the first batch (so its variables exist before the resume). */
function buildOnFirstBatch<A extends unknown[]>(
  trainOp: TrainOp<A>,
  batches: BatchSource<A>,
  hasData: boolean,
): void {
  const batch = batches.current;
  if (batch === undefined) return;
  try {
    trainOp.build(...batch);
  } catch (e) {
    if (hasData || e instanceof LearningError) {
      batches.release(batch, undefined);
      throw e;
    }
    throw new LearningError(
      `train: expected the data option (an iterable of batches) for a model that takes inputs, got no data: ` +
        `running the train op with no arguments failed (${e instanceof Error ? e.message : String(e)}). ` +
        'Pass data: an iterable whose elements are the argument lists of your loss function, e.g. data: batches() yielding [x, y].',
    );
  }
}

/** Opens the run: the logdir, the batches (the first one fetched, the model built on it). */
async function openRun<A extends unknown[]>(
  trainOp: TrainOp<A>,
  logdir: string,
  options: TrainOptions<A>,
): Promise<TrainRun<A>> {
  const batches = new BatchSource<A>(options.data, options.disposeBatches ?? true);
  const fileStore: FileStore = options.fileStore ?? defaultFileStore();
  await fileStore.mkdir(logdir);
  await batches.start();
  buildOnFirstBatch(trainOp, batches, options.data !== undefined);
  return new TrainRun(trainOp, logdir, fileStore, batches, logger(options.log));
}

/**
 * `train`'s own duties, in the order they act, then the user's hooks. Closing ones (progress,
 * signals) are also returned so `train` releases them whatever happens.
 */
function duties<A extends unknown[]>(
  run: TrainRun<A>,
  options: TrainOptions<A>,
): { hooks: TrainHook[]; close: () => void } {
  const r = run as unknown as TrainRun<never>;
  const progress = progressDuty(r, options);
  const signals = options.stopOnSignals === false ? null : signalDuty(r);
  const hooks: TrainHook[] = [
    resumeDuty(r, options.initFn),
    progress,
    summaryDuty(r, options),
    checkpointDuty(r, options),
    ...(signals ? [signals] : []),
    ...(options.hooks ?? []),
  ];
  return {
    hooks,
    close: () => {
      progress.close();
      signals?.close();
    },
  };
}

/**
 * TF-Slim's `train`: runs `trainOp` until the global step reaches `numberOfSteps` or `data`
 * ends. Resumes from the latest checkpoint in `logdir` (then `initFn` is skipped), else calls
 * `initFn`. Logs `global step N: loss = X (Y ms/step)`, writes summaries (`total_loss`,
 * `learning_rate`, `global_step/sec`, the `summaries` callback's, gradient histograms with
 * `summarizeGradients`) and checkpoints `logdir/model.ckpt-<step>` at start and then every
 * interval (seconds or steps), and a final checkpoint. Each of these duties is a
 * {@link TrainHook}, like the user's `hooks`. Returns the final loss and more.
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
  // The loop never looks at the outputs' type: it runs on the plain TrainOp.
  const op = trainOp as unknown as TrainOp<A>;
  const opts = options as unknown as TrainOptions<A>;
  checkArguments(op, logdir, opts);
  // One trainer per logdir: a second one would overwrite this one's checkpoints.
  const lock = await lockLogdir(opts.fileStore ?? defaultFileStore(), logdir);
  try {
    return await trainInLogdir(op, logdir, opts);
  } finally {
    await lock.release().catch(() => undefined);
  }
}

/** The loop of {@link train}, once it holds the logdir. */
async function trainInLogdir<A extends unknown[]>(
  trainOp: TrainOp<A>,
  logdir: string,
  options: TrainOptions<A>,
): Promise<TrainResult> {
  const start = nowSecs();
  const run = await openRun(trainOp, logdir, options);
  const { hooks, close } = duties(run, options);
  run.hooks = hooks;
  let finalLoss = NaN;
  try {
    await run.dispatch('onTrainBegin');
    while (run.shouldRunStep(options.numberOfSteps)) {
      await run.dispatchStepEnd(await runStep(run, options.trainStepFn));
      if (run.shouldRunStep(options.numberOfSteps)) await run.batches.advance();
    }
    if (run.lastLoss !== null) finalLoss = (await run.lastLoss.data())[0] as number;
    await run.dispatch('onTrainEnd');
  } finally {
    close();
    await run.close();
  }
  return {
    finalLoss,
    globalStep: run.globalStep,
    steps: run.globalStep - run.startStep,
    restoredFrom: run.restoredFrom,
    lastCheckpoint: run.lastCheckpoint ?? run.restoredFrom,
    seconds: nowSecs() - start,
  };
}
