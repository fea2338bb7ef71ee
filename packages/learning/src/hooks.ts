// The hook interface of train: what hooks see (TrainContext) and when they are called.
import type * as tf from '@tensorflow/tfjs-core';
import type { FileStore } from '@tfslim/storage';
import type { SummaryWriter } from '@tfslim/summary';
import type { TrainOp } from './create-train-op.js';

/** A value a hook or an evaluator reported, with the global step it was reported at. */
export interface ReportedValue {
  /** The value reported. */
  readonly value: number;
  /** The global step when it was reported. */
  readonly globalStep: number;
}

/** What `train` shows its hooks: the run's state, and the ways a hook acts on it. */
export interface TrainContext {
  /** The train op (its `learningRate`, `movingAverages`, `globalStep`...). */
  readonly trainOp: TrainOp<never>;
  /** The run's logdir. */
  readonly logdir: string;
  /** Where the checkpoints and event files go. */
  readonly fileStore: FileStore;
  /** The run's summary writer (write extra summaries with it). */
  readonly writer: SummaryWriter;
  /** The global step now (updates applied so far). */
  readonly globalStep: number;
  /** The global step this call started at (after a resume, the restored step). */
  readonly startStep: number;
  /** The checkpoint restored at start, if any. */
  readonly restoredFrom: string | null;
  /** The last checkpoint written (or restored). */
  readonly lastCheckpoint: string | null;
  /** Records a value (e.g. an evaluation metric) for hooks such as `earlyStopping` to monitor. */
  report(name: string, value: number): void;
  /** The latest value reported under `name` (`'loss'` is each step's loss). */
  reported(name: string): ReportedValue | undefined;
  /** Asks `train` to stop after this step: it still writes the final checkpoint and summaries. */
  requestStop(reason: string): void;
  /** Why a stop was requested (null when none was). */
  readonly stopReason: string | null;
  /** Writes a line to the run's log (the `log` option). */
  log(line: string): void;
}

/** What {@link TrainHook.onStepEnd} gets about the step just run. */
export interface StepEnd {
  /** The global step after the step. */
  readonly globalStep: number;
  /** The step's loss (owned by `train`: read it, don't dispose it). */
  readonly loss: tf.Scalar;
  /** The loss as a number (read once, shared by every hook). */
  lossValue(): Promise<number>;
  /** What a custom `trainStepFn` returned as `outputs` (undefined otherwise). */
  readonly outputs: unknown;
  /**
   * Whether the step applied an update (false for a micro-batch in the middle of
   * `accumulateSteps`; the built-in duties then do nothing).
   */
  readonly applied: boolean;
  /** Seconds the step took. */
  readonly seconds: number;
}

/**
 * A training hook (Keras callbacks, Lightning hooks): every method is optional and may be
 * async. `train`'s own duties (resume, summaries, checkpoints, progress) are hooks too.
 *
 * @example
 * const printer: TrainHook = {
 *   onStepEnd: async (ctx, step) => {
 *     if (step.applied && step.globalStep % 100 === 0) ctx.log(`loss ${await step.lossValue()}`);
 *   },
 * };
 * await train(trainOp, logdir, { numberOfSteps: 1000, hooks: [printer] });
 */
export interface TrainHook {
  /** Before the first step (after the resume: `ctx.globalStep` is the restored step). */
  onTrainBegin?(ctx: TrainContext): void | Promise<void>;
  /** After each step. */
  onStepEnd?(ctx: TrainContext, step: StepEnd): void | Promise<void>;
  /** After each checkpoint `train` writes. */
  onSave?(ctx: TrainContext, checkpoint: string): void | Promise<void>;
  /** After the last step, once the final checkpoint and summaries are written. */
  onTrainEnd?(ctx: TrainContext): void | Promise<void>;
}
