// evaluateOnce, checkpointsIterator and evaluationLoop: slim's evaluation functions.
import type * as tf from '@tensorflow/tfjs-core';
import { CheckpointReader, latestCheckpoint, restore } from '@tfslim/checkpoint';
import { aggregatedName, metricOf, observeMetricUpdates, type Metric } from '@tfslim/metrics';
import type { FileStore } from '@tfslim/storage';
import { defaultFileStore } from '@tfslim/storage';
import { SummaryWriter } from '@tfslim/summary';
import { GLOBAL_STEP_NAME, defaultStore, type VariableStore } from '@tfslim/variables';
import { LearningError } from './errors.js';
import { logger, nowSecs, sleep, type LogFn } from './log.js';
import { movingAverageVariablesToRestore } from './moving-average-restore.js';
import { createProgress, type ProgressMode, type ProgressStream } from './progress.js';

/** Any metric, whatever its update arguments. */
type AnyMetric = Metric<tf.Rank, never>;

/**
 * Metrics an evaluation resets before and reads after, by name: metrics, or the value
 * functions of `aggregateMetricMap`'s `namesToValues` as they are.
 */
export type EvalMetrics = Readonly<Record<string, Metric | (() => tf.Tensor)>>;

/** Options of {@link evaluateOnce}. */
export interface EvaluateOnceOptions<T> {
  /** How many times `evalOp` runs (default 1). */
  numEvals?: number;
  /** One evaluation batch: updates the metrics (called with k = 0..numEvals-1). */
  evalOp: (k: number) => void | Promise<void>;
  /** The value returned; default: every metric's value as `{name: number}`. */
  finalOp?: () => T | Promise<T>;
  /** Extra summaries, written tagged with the checkpoint's global step. */
  summaryOp?: (writer: SummaryWriter, globalStep: number) => void | Promise<void>;
  /** `{checkpointName: variable}` to restore (default: the store's variables but `global_step`). */
  variablesToRestore?: Readonly<Record<string, tf.Variable>> | readonly tf.Variable[];
  /**
   * Metrics reset before the evaluation; their values are written as scalars (and returned by
   * default). Metrics that `evalOp` updates without being listed here (synchronously, before
   * any `await` in it) are reset before their first update of the evaluation (slim resets
   * every local variable) and reported too, under their `aggregateMetricMap` name or their own.
   */
  metrics?: EvalMetrics;
  /**
   * Restore each variable from its moving average `<name>/ExponentialMovingAverage` (written by
   * `train` with `createTrainOp(..., { movingAverageDecay })`), as slim's eval with
   * `--moving_average_decay` (default false).
   */
  useMovingAverages?: boolean;
  /** Store whose variables are restored by default (default: `defaultStore`). */
  store?: VariableStore;
  /** Write summaries to this writer instead of opening one in `logdir`. */
  writer?: SummaryWriter;
  /** Where checkpoints and event files are (default: the file system in Node, memory in a browser). */
  fileStore?: FileStore;
  /** Where `Evaluation [k/N]` lines go (default console.log; null silences). */
  log?: LogFn;
  /**
   * Progress display over the `numEvals` batches (default `'auto'`: a bar on a TTY, which then
   * replaces the default log's `Evaluation [k/N]` lines, else plain lines; `'none'` when `log`
   * is null). See {@link ProgressMode}.
   */
  progress?: ProgressMode;
  /** Where progress goes (default `process.stderr`). */
  progressStream?: ProgressStream;
}

function toMetrics(fn: string, metrics: EvalMetrics): Map<AnyMetric, string> {
  const out = new Map<AnyMetric, string>();
  for (const [name, m] of Object.entries(metrics)) {
    const metric = typeof m === 'function' ? metricOf(m) : (m as unknown as AnyMetric);
    if (metric === undefined) {
      throw new LearningError(
        `${fn}: expected metrics.${name} a metric or a value function of aggregateMetricMap, got another function. Pass the metric itself, or namesToValues as aggregateMetricMap returned it.`,
      );
    }
    out.set(metric, name);
  }
  return out;
}

function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  let k = 1;
  while (taken.has(`${name}_${k}`)) k++;
  return `${name}_${k}`;
}

/**
 * Calls `evalOp(k)` watching metric updates: a metric not in `metrics` is reset before its
 * first update of the evaluation and added to `metrics` (under its aggregate name, made
 * unique). Only the synchronous part of the call is watched (like every tfslim scope), so
 * another task updating its own metrics meanwhile is never touched.
 */
function watchedEvalOp(
  evalOp: (k: number) => void | Promise<void>,
  k: number,
  metrics: Map<AnyMetric, string>,
): void | Promise<void> {
  const stop = observeMetricUpdates((m) => {
    if (metrics.has(m)) return;
    m.reset();
    metrics.set(m, uniqueName(aggregatedName(m), new Set(metrics.values())));
  });
  try {
    return evalOp(k);
  } finally {
    stop();
  }
}

/** Every scalar metric's value by name (tensor-valued metrics that were only observed are left out). */
async function readMetrics(
  metrics: Map<AnyMetric, string>,
  given: ReadonlySet<AnyMetric>,
): Promise<Record<string, number>> {
  const values: Record<string, number> = {};
  for (const [m, name] of metrics) {
    if (!given.has(m)) {
      const t = m.result();
      const scalar = t.size === 1;
      t.dispose();
      if (!scalar) continue;
    }
    values[name] = await m.resultNumber();
  }
  return values;
}

/** The global step a checkpoint was written at: its `-<step>` suffix, else its `global_step`. */
export async function checkpointGlobalStep(
  checkpointPath: string,
  fileStore: FileStore = defaultFileStore(),
): Promise<number> {
  const m = /-(\d+)$/.exec(checkpointPath);
  if (m) return Number(m[1]);
  const reader = await CheckpointReader.open(checkpointPath, { store: fileStore });
  if (!reader.has(GLOBAL_STEP_NAME)) return 0;
  const t = await reader.getTensor(GLOBAL_STEP_NAME);
  try {
    return Number((await t.data())[0] ?? 0);
  } finally {
    t.dispose();
  }
}

/**
 * TF-Slim's `evaluate_once`: restores exactly `checkpointPath`, resets the metrics, runs
 * `evalOp` `numEvals` times (logging `Evaluation [k/N]`), writes the metrics and `summaryOp`'s
 * summaries to `logdir` tagged with the checkpoint's global step, and returns `finalOp`'s
 * value (by default `{metricName: value}`). The model's variables must exist (call the model
 * once) so they can be restored.
 *
 * @example
 * const acc = sparseCategoricalAccuracy();
 * const result = await evaluateOnce('/train/model.ckpt-1000', '/eval', {
 *   store,
 *   metrics: { accuracy: acc },
 *   numEvals: 10,
 *   evalOp: (k) => tf.tidy(() => acc.update(model(batches[k].x), batches[k].y)),
 * });
 * result.accuracy; // 0.97
 */
export async function evaluateOnce<T = Record<string, number>>(
  checkpointPath: string,
  logdir: string,
  options: EvaluateOnceOptions<T>,
): Promise<T> {
  const fn = 'evaluateOnce';
  if (typeof options?.evalOp !== 'function') {
    throw new LearningError(
      `${fn}: expected options.evalOp a function that updates the metrics, got ${typeof options?.evalOp}. Pass evalOp: (k) => metric.update(...).`,
    );
  }
  const numEvals = options.numEvals ?? 1;
  if (!(Number.isInteger(numEvals) && numEvals >= 0)) {
    throw new LearningError(
      `${fn}: expected numEvals a non-negative integer, got ${numEvals}. Pass e.g. 10.`,
    );
  }
  const log = logger(options.log);
  const store = options.store ?? defaultStore;
  let vars = options.variablesToRestore;
  if (vars === undefined) {
    const named = store.namedVariables((name) => name !== GLOBAL_STEP_NAME);
    if (Object.keys(named).length === 0) {
      throw new LearningError(
        `${fn}: expected the model's variables in store '${store.label}', got none. Call the model once (inside withVariableStore) before evaluating, or pass variablesToRestore.`,
      );
    }
    vars = named;
  }
  const fileStore = options.fileStore ?? defaultFileStore();
  if (options.useMovingAverages === true) vars = movingAverageVariablesToRestore(vars);
  await restore(checkpointPath, vars, { store: fileStore });
  const globalStep = await checkpointGlobalStep(checkpointPath, fileStore);
  const metrics = toMetrics(fn, options.metrics ?? {});
  const given = new Set(metrics.keys());
  for (const m of given) m.reset();
  const progress = createProgress(
    fn,
    'batch',
    0,
    numEvals,
    options.progress,
    options.progressStream,
    options.log === null,
  );
  try {
    for (let k = 0; k < numEvals; k++) {
      await watchedEvalOp(options.evalOp, k, metrics);
      if (!(progress.bar && options.log === undefined)) {
        progress.log(`Evaluation [${k + 1}/${numEvals}]`, log);
      }
      progress.update(k + 1);
    }
  } finally {
    progress.finish();
  }
  const values = await readMetrics(metrics, given);

  if (options.writer === undefined) await fileStore.mkdir(logdir);
  const writer = options.writer ?? new SummaryWriter(logdir, { store: fileStore });
  try {
    for (const [name, v] of Object.entries(values)) writer.scalar(name, v, globalStep);
    if (options.summaryOp) await options.summaryOp(writer, globalStep);
  } finally {
    if (options.writer) await writer.flush();
    else await writer.close();
  }
  return options.finalOp ? await options.finalOp() : (values as T);
}

/** Options of {@link checkpointsIterator}. */
export interface CheckpointsIteratorOptions {
  /** Seconds between two yields at least (default 0). */
  minIntervalSecs?: number;
  /** Stop after waiting this many seconds without a new checkpoint (default: wait forever). */
  timeout?: number;
  /** Called on timeout: return true to stop, false to keep waiting. */
  timeoutFn?: () => boolean;
  /** Polling period while waiting for a new checkpoint (default 1 s). */
  pollSecs?: number;
  /** Stops the iterator when aborted. */
  signal?: AbortSignal;
  /** Where `dir` is (default: the file system in Node, memory in a browser). */
  fileStore?: FileStore;
}

/**
 * TF-Slim's `checkpoints_iterator`: yields the latest checkpoint of `dir` each time a NEW one
 * appears (intermediate ones are skipped), at least `minIntervalSecs` apart; ends after
 * `timeout` seconds without a new checkpoint.
 *
 * @example
 * for await (const ckpt of checkpointsIterator('/train', { minIntervalSecs: 60, timeout: 600 })) {
 *   await evaluateOnce(ckpt, '/eval', { ... });
 * }
 */
export async function* checkpointsIterator(
  dir: string,
  options: CheckpointsIteratorOptions = {},
): AsyncGenerator<string, void, undefined> {
  const poll = (options.pollSecs ?? 1) * 1000;
  const minInterval = options.minIntervalSecs ?? 0;
  let last: string | null = null;
  for (;;) {
    const started = nowSecs();
    let found: string | null = null;
    const waitStart = nowSecs();
    for (;;) {
      if (options.signal?.aborted) return;
      const latest = await latestCheckpoint(
        dir,
        options.fileStore === undefined ? {} : { store: options.fileStore },
      ).catch(() => null);
      if (latest !== null && latest !== last) {
        found = latest;
        break;
      }
      if (options.timeout !== undefined && nowSecs() - waitStart + poll / 1000 > options.timeout)
        break;
      await sleep(poll);
    }
    if (found === null) {
      if (!options.timeoutFn || options.timeoutFn()) return;
      continue;
    }
    last = found;
    yield found;
    const left = started + minInterval - nowSecs();
    if (left > 0) await sleep(left * 1000);
  }
}

/** Options of {@link evaluationLoop}. */
export interface EvaluationLoopOptions<T> extends Omit<EvaluateOnceOptions<T>, 'writer'> {
  /** Seconds between evaluations at least (default 60). */
  evalIntervalSecs?: number;
  /** Stop after this many evaluations. */
  maxNumberOfEvaluations?: number;
  /** Stop after waiting this many seconds for a new checkpoint. */
  timeout?: number;
  /** Called on timeout: true stops. */
  timeoutFn?: () => boolean;
  /** Polling period while waiting (default 1 s). */
  pollSecs?: number;
  /** Stops the loop when aborted. */
  signal?: AbortSignal;
  /** Called after each evaluation with the checkpoint and its result. */
  onEvaluation?: (checkpointPath: string, result: T) => void | Promise<void>;
}

/**
 * TF-Slim's `evaluation_loop`: follows a trainer, running {@link evaluateOnce} on each new
 * latest checkpoint of `checkpointDir` (one summary writer in `logdir` for all of them), until
 * `maxNumberOfEvaluations` or `timeout`. Returns the results, in order.
 *
 * @example
 * const results = await evaluationLoop('/train', '/eval', {
 *   store, metrics: { accuracy: acc }, evalOp, numEvals: 10,
 *   evalIntervalSecs: 60, timeout: 3600,
 * });
 */
export async function evaluationLoop<T = Record<string, number>>(
  checkpointDir: string,
  logdir: string,
  options: EvaluationLoopOptions<T>,
): Promise<Array<{ checkpoint: string; result: T }>> {
  const max = options.maxNumberOfEvaluations;
  if (max !== undefined && !(Number.isInteger(max) && max >= 0)) {
    throw new LearningError(
      `evaluationLoop: expected maxNumberOfEvaluations a non-negative integer, got ${max}. Pass e.g. 10.`,
    );
  }
  const out: Array<{ checkpoint: string; result: T }> = [];
  if (max === 0) return out;
  const fileStore = options.fileStore ?? defaultFileStore();
  await fileStore.mkdir(logdir);
  const writer = new SummaryWriter(logdir, { store: fileStore });
  const it: CheckpointsIteratorOptions = { minIntervalSecs: options.evalIntervalSecs ?? 60 };
  if (options.timeout !== undefined) it.timeout = options.timeout;
  if (options.timeoutFn) it.timeoutFn = options.timeoutFn;
  if (options.pollSecs !== undefined) it.pollSecs = options.pollSecs;
  if (options.signal) it.signal = options.signal;
  it.fileStore = fileStore;
  try {
    for await (const ckpt of checkpointsIterator(checkpointDir, it)) {
      const result = await evaluateOnce<T>(ckpt, logdir, { ...options, writer });
      out.push({ checkpoint: ckpt, result });
      if (options.onEvaluation) await options.onEvaluation(ckpt, result);
      if (max !== undefined && out.length >= max) break;
    }
  } finally {
    await writer.close();
  }
  return out;
}
