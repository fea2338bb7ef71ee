// Learning rates: a number or a schedule, read from and written to tfjs optimizers.
import type * as tf from '@tensorflow/tfjs-core';
import { LearningError } from './errors.js';
import type { LearningRateSchedule } from './schedules.js';

/** A learning rate: a number, or a function of the global step ({@link LearningRateSchedule}). */
export type LearningRate = number | LearningRateSchedule;

interface RateField {
  learningRate?: unknown;
  setLearningRate?: (lr: number) => void;
}

/** The rate an optimizer was built with (every tfjs optimizer keeps it as `learningRate`). */
export function optimizerLearningRate(optimizer: tf.Optimizer): number {
  const lr = (optimizer as unknown as RateField).learningRate;
  return typeof lr === 'number' ? lr : NaN;
}

/**
 * Sets the rate the optimizer's next `applyGradients` uses. SGD and Momentum cache `-lr` as a
 * kept scalar (`setLearningRate` replaces it); the others read the `learningRate` field.
 */
export function setOptimizerLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as RateField;
  if (o.learningRate === lr) return;
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

/**
 * The learning-rate state of a train op: the base rate (a schedule, or the optimizer's own
 * rate) times a scale that plateau hooks lower.
 */
export class LearningRateControl {
  /** Multiplies the base rate (1 unless a hook such as `learningRateOnPlateau` lowers it). */
  scale = 1;
  private readonly base: LearningRate;

  /** @internal */
  constructor(
    private readonly optimizer: tf.Optimizer,
    learningRate: LearningRate | undefined,
  ) {
    if (learningRate === undefined) this.base = optimizerLearningRate(optimizer);
    else if (typeof learningRate === 'function') this.base = learningRate;
    else if (typeof learningRate === 'number' && Number.isFinite(learningRate))
      this.base = learningRate;
    else {
      throw new LearningError(
        `createTrainOp: expected learningRate a finite number or a schedule (step) => rate, got ${String(learningRate)}. Pass e.g. exponentialDecay(0.1, { decaySteps: 1000, decayRate: 0.9 }).`,
      );
    }
  }

  /** Whether the rate depends on the global step (then the step is read before each update). */
  get dependsOnStep(): boolean {
    return typeof this.base === 'function';
  }

  /** The rate used for the update made at `globalStep` (before its increment). */
  at(globalStep: number): number {
    const base = typeof this.base === 'function' ? this.base(globalStep) : this.base;
    return base * this.scale;
  }

  /**
   * Sets the optimizer's rate for the update made at `globalStep` (a cheap no-op if unchanged).
   * @internal
   */
  apply(globalStep: () => number): void {
    const lr = this.at(this.dependsOnStep ? globalStep() : 0);
    if (!Number.isNaN(lr)) setOptimizerLearningRate(this.optimizer, lr);
  }
}
