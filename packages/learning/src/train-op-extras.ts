// The extras of createTrainOp: schedules, weight averages and gradient accumulation.
import type * as tf from '@tensorflow/tfjs-core';
import { GradientAccumulator } from './gradient-accumulator.js';
import { LearningRateControl, type LearningRate } from './learning-rate.js';
import { MovingAverages } from './moving-averages.js';

/** The options of `createTrainOp` handled here: schedules, weight averages, accumulation. */
export interface TrainOpExtraOptions {
  /**
   * The learning rate: a number, or a schedule of the global step (e.g. `exponentialDecay`).
   * Set on the optimizer before each update (default: the optimizer's own rate).
   */
  learningRate?: LearningRate;
  /**
   * Keep exponential moving averages of the trained variables (TF's
   * `ExponentialMovingAverage(decay, num_updates=global_step)`), saved by `train` as
   * `<var>/ExponentialMovingAverage`.
   */
  movingAverageDecay?: number;
  /**
   * Apply one update every `accumulateSteps` calls, with the mean of their gradients (default 1).
   * The global step counts updates.
   */
  accumulateSteps?: number;
}

/** The state behind {@link TrainOpExtraOptions}, called by `createTrainOp`'s step. */
export class TrainOpExtras {
  readonly learningRate: LearningRateControl;
  readonly accumulator: GradientAccumulator;
  movingAverages: MovingAverages | null = null;
  private stepOfUpdate = 0;

  constructor(
    optimizer: tf.Optimizer,
    private readonly options: TrainOpExtraOptions,
  ) {
    this.learningRate = new LearningRateControl(optimizer, options.learningRate);
    this.accumulator = new GradientAccumulator(options.accumulateSteps ?? 1);
    // Validate now, not at the first step.
    if (options.movingAverageDecay !== undefined)
      new MovingAverages(options.movingAverageDecay, []);
  }

  /** Once the trained variables exist: starts their averages. */
  onBuilt(vars: readonly tf.Variable[]): void {
    const decay = this.options.movingAverageDecay;
    if (decay !== undefined && this.movingAverages === null)
      this.movingAverages = new MovingAverages(decay, vars);
  }

  /** This micro-batch's gradients -> the gradients to apply now, or null (keep accumulating). */
  gradientsToApply(grads: tf.NamedTensorMap): tf.NamedTensorMap | null {
    return this.accumulator.add(grads);
  }

  /** Before `applyGradients`: sets the step's learning rate. */
  beforeApply(globalStep: tf.Variable): void {
    const needsStep = this.learningRate.dependsOnStep || this.movingAverages !== null;
    this.stepOfUpdate = needsStep ? (globalStep.dataSync()[0] as number) : 0;
    this.learningRate.apply(() => this.stepOfUpdate);
  }

  /** After the update: moves the averages (num_updates = the step the update was made at). */
  afterApply(): void {
    this.movingAverages?.update(this.stepOfUpdate);
  }

  dispose(): void {
    this.accumulator.dispose();
    this.movingAverages?.dispose();
    this.movingAverages = null;
  }
}
