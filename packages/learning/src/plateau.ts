// PlateauTracker: watches a monitored value for improvement (shared by the plateau hooks).
import { LearningError } from './errors.js';
import type { StepEnd, TrainContext } from './hooks.js';

/** How a monitored value is watched: which value, what counts as better, how long to wait. */
export interface PlateauOptions {
  /** The value watched: `'loss'` (each update's loss) or a name hooks `report` (default `'loss'`). */
  monitor?: string;
  /** Checks without an improvement tolerated (default 0 for early stopping, 10 for plateaus). */
  patience?: number;
  /** The least change that counts as an improvement (default 0). */
  minDelta?: number;
  /** `'min'`: lower is better (default); `'max'`: higher is better. */
  mode?: 'min' | 'max';
}

/**
 * Tracks the best value of a monitored quantity and how many checks passed without beating it
 * by `minDelta` (Keras' `EarlyStopping` / `ReduceLROnPlateau` bookkeeping).
 */
export class PlateauTracker {
  best: number;
  wait = 0;
  private lastSeenStep = -1;
  readonly monitor: string;
  readonly patience: number;
  private readonly minDelta: number;
  private readonly sign: number;

  constructor(fn: string, options: PlateauOptions, defaultPatience: number) {
    this.monitor = options.monitor ?? 'loss';
    this.patience = options.patience ?? defaultPatience;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    const mode = options.mode ?? 'min';
    if (mode !== 'min' && mode !== 'max') {
      throw new LearningError(
        `${fn}: expected mode 'min' or 'max', got ${JSON.stringify(mode)}. Pass e.g. mode: 'max' for an accuracy.`,
      );
    }
    if (!(Number.isInteger(this.patience) && this.patience >= 0)) {
      throw new LearningError(
        `${fn}: expected patience a non-negative integer, got ${String(this.patience)}. Pass e.g. 5.`,
      );
    }
    this.sign = mode === 'min' ? 1 : -1;
    this.best = Infinity * this.sign;
  }

  /** The monitored value if it is new since the last check (null when nothing new). */
  async observe(ctx: TrainContext, step: StepEnd): Promise<number | null> {
    if (!step.applied) return null;
    if (this.monitor === 'loss') return step.lossValue();
    const r = ctx.reported(this.monitor);
    if (r === undefined || r.globalStep === this.lastSeenStep) return null;
    this.lastSeenStep = r.globalStep;
    return r.value;
  }

  /** Records `value`; true when the patience ran out (more than `patience` checks without improvement). */
  exhausted(value: number): boolean {
    if (this.sign * (this.best - value) > this.minDelta) {
      this.best = value;
      this.wait = 0;
      return false;
    }
    this.wait += 1;
    return this.wait > this.patience;
  }
}
