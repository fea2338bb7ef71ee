// TrainRun: the state one train call shares between its loop and its duties.
import type * as tf from '@tensorflow/tfjs-core';
import type { FileStore } from '@tfslim/storage';
import { SummaryWriter } from '@tfslim/summary';
import type { TrainOp } from './create-train-op.js';
import type { BatchSource } from './duties/batch-source.js';
import type { ReportedValue, StepEnd, TrainContext, TrainHook } from './hooks.js';

type HookEvent = 'onTrainBegin' | 'onTrainEnd';

/**
 * The state one `train` call shares between its loop and its duties: the step, the last loss,
 * the batches, reported values and stop requests. Implements what hooks see ({@link TrainContext}).
 */
export class TrainRun<A extends unknown[]> implements TrainContext {
  globalStep: number;
  startStep: number;
  restoredFrom: string | null = null;
  lastCheckpoint: string | null = null;
  stopReason: string | null = null;
  /** The loss of the last step (owned by the run). */
  lastLoss: tf.Scalar | null = null;
  hooks: readonly TrainHook[] = [];
  readonly writer: SummaryWriter;
  private readonly values = new Map<string, ReportedValue>();

  constructor(
    readonly trainOp: TrainOp<A>,
    readonly logdir: string,
    readonly fileStore: FileStore,
    readonly batches: BatchSource<A>,
    readonly log: (line: string) => void,
  ) {
    this.globalStep = this.readGlobalStep();
    this.startStep = this.globalStep;
    this.writer = new SummaryWriter(logdir, { store: fileStore });
  }

  readGlobalStep(): number {
    return this.trainOp.globalStep.dataSync()[0] as number;
  }

  report(name: string, value: number): void {
    this.values.set(name, { value, globalStep: this.globalStep });
  }

  reported(name: string): ReportedValue | undefined {
    return this.values.get(name);
  }

  requestStop(reason: string): void {
    this.stopReason ??= reason;
  }

  /** Whether another step runs: a batch is there, the step budget is not spent, no stop asked. */
  shouldRunStep(numberOfSteps: number | undefined): boolean {
    return (
      this.stopReason === null &&
      this.batches.current !== undefined &&
      (numberOfSteps === undefined || this.globalStep < numberOfSteps)
    );
  }

  /** Keeps `loss` as the last loss (disposing the previous one). */
  setLastLoss(loss: tf.Scalar): void {
    if (this.lastLoss !== loss) this.lastLoss?.dispose();
    this.lastLoss = loss;
  }

  /** Releases the batch and the last loss, closes the writer and the data iterator. */
  async close(): Promise<void> {
    this.batches.release(this.batches.current, undefined);
    this.batches.current = undefined;
    this.lastLoss?.dispose();
    this.lastLoss = null;
    try {
      await this.writer.close();
    } finally {
      await this.batches.close();
    }
  }

  async dispatch(event: HookEvent): Promise<void> {
    for (const h of this.hooks) await h[event]?.(this as unknown as TrainContext);
  }

  async dispatchStepEnd(step: StepEnd): Promise<void> {
    for (const h of this.hooks) await h.onStepEnd?.(this as unknown as TrainContext, step);
  }

  async dispatchSave(checkpoint: string): Promise<void> {
    this.lastCheckpoint = checkpoint;
    for (const h of this.hooks) await h.onSave?.(this as unknown as TrainContext, checkpoint);
  }
}
