// earlyStopping and learningRateOnPlateau: hooks that act when a monitored value stops improving.
import { LearningError } from './errors.js';
import type { TrainHook } from './hooks.js';
import { PlateauTracker, type PlateauOptions } from './plateau.js';

/**
 * A hook that stops training when the monitored value has not improved by `minDelta` for more
 * than `patience` checks (Keras' `EarlyStopping`). `train` then writes its final checkpoint.
 *
 * @example
 * // stop when an evaluator's reported accuracy has not risen for 3 evaluations
 * await train(trainOp, logdir, {
 *   numberOfSteps: 10000,
 *   hooks: [evaluator, earlyStopping({ monitor: 'accuracy', mode: 'max', patience: 3 })],
 * });
 */
export function earlyStopping(options: PlateauOptions = {}): TrainHook {
  const tracker = new PlateauTracker('earlyStopping', options, 0);
  return {
    async onStepEnd(ctx, step) {
      const value = await tracker.observe(ctx, step);
      if (value === null || !tracker.exhausted(value)) return;
      ctx.log(
        `earlyStopping: ${tracker.monitor} has not improved on ${tracker.best} for ${tracker.wait} checks: stopping at step ${ctx.globalStep}`,
      );
      ctx.requestStop('earlyStopping');
    },
  };
}

/** Options of {@link learningRateOnPlateau} (Keras' `ReduceLROnPlateau`). */
export interface LearningRateOnPlateauOptions extends PlateauOptions {
  /** The rate is multiplied by this when the value plateaus (default 0.1). */
  factor?: number;
  /** The rate is never lowered below this (default 0). */
  minLearningRate?: number;
  /** Checks to wait after a reduction before counting again (default 0). */
  cooldown?: number;
}

/**
 * A hook that multiplies the learning rate by `factor` when the monitored value has not
 * improved for more than `patience` checks (Keras' `ReduceLROnPlateau`). It scales whatever
 * rate the train op uses (a number or a schedule) through `trainOp.learningRate.scale`.
 *
 * @example
 * await train(trainOp, logdir, {
 *   numberOfSteps: 10000,
 *   hooks: [learningRateOnPlateau({ patience: 100, factor: 0.5 })],
 * });
 */
export function learningRateOnPlateau(options: LearningRateOnPlateauOptions = {}): TrainHook {
  const tracker = new PlateauTracker('learningRateOnPlateau', options, 10);
  const factor = options.factor ?? 0.1;
  const minLr = options.minLearningRate ?? 0;
  const cooldown = options.cooldown ?? 0;
  if (!(factor > 0 && factor < 1)) {
    throw new LearningError(
      `learningRateOnPlateau: expected factor in (0, 1), got ${String(factor)}. Pass e.g. 0.5.`,
    );
  }
  let coolingFor = 0;
  return {
    async onStepEnd(ctx, step) {
      const value = await tracker.observe(ctx, step);
      if (value === null) return;
      if (coolingFor > 0) {
        coolingFor -= 1;
        tracker.wait = 0;
      }
      if (!tracker.exhausted(value)) return;
      const control = ctx.trainOp.learningRate;
      const now = control.at(ctx.globalStep);
      const next = Math.max(now * factor, minLr);
      if (next < now) {
        control.scale *= next / now;
        ctx.log(`learningRateOnPlateau: learning rate ${now} -> ${next} at step ${ctx.globalStep}`);
      }
      tracker.wait = 0;
      coolingFor = cooldown;
    },
  };
}
