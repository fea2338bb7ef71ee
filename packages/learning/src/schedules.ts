// Learning-rate schedules of the global step: TF's exponential, inverse-time, polynomial,
// piecewise-constant and cosine decays.
import { LearningError } from './errors.js';

/**
 * A learning rate as a function of the global step (the number of updates applied so far),
 * like `tf.keras.optimizers.schedules.LearningRateSchedule`. Pass it as
 * `createTrainOp(..., { learningRate: schedule })`.
 */
export type LearningRateSchedule = (globalStep: number) => number;

function positive(fn: string, name: string, v: number): void {
  if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    throw new LearningError(
      `${fn}: expected ${name} a positive number, got ${String(v)}. Pass e.g. 1000.`,
    );
  }
}

function finite(fn: string, name: string, v: number): void {
  if (!(typeof v === 'number' && Number.isFinite(v))) {
    throw new LearningError(
      `${fn}: expected ${name} a finite number, got ${String(v)}. Pass e.g. 0.1.`,
    );
  }
}

/** Checks the shared options; returns `step / decaySteps`, floored with `staircase`. */
function decayProgress(
  fn: string,
  learningRate: number,
  options: ExponentialDecayOptions,
): (step: number) => number {
  finite(fn, 'learningRate', learningRate);
  positive(fn, 'decaySteps', options.decaySteps);
  finite(fn, 'decayRate', options.decayRate);
  const { decaySteps, staircase = false } = options;
  return (step) => (staircase ? Math.floor(step / decaySteps) : step / decaySteps);
}

/** Options of {@link exponentialDecay} (`tf.compat.v1.train.exponential_decay`). */
export interface ExponentialDecayOptions {
  /** Steps over which the rate is multiplied (or, for inverse time, divided) by `decayRate`. */
  decaySteps: number;
  /** The decay factor per `decaySteps` (e.g. slim's `--learning_rate_decay_factor` 0.94). */
  decayRate: number;
  /** Decay at discrete intervals: `floor(step / decaySteps)` (default false). */
  staircase?: boolean;
}

/**
 * `learningRate * decayRate ^ (step / decaySteps)` (the exponent floored with `staircase`), as
 * `tf.compat.v1.train.exponential_decay` and slim's `--learning_rate_decay_type exponential`.
 *
 * @example
 * const lr = exponentialDecay(0.01, { decaySteps: 1000, decayRate: 0.94, staircase: true });
 * lr(2500); // 0.01 * 0.94 ** 2
 */
export function exponentialDecay(
  learningRate: number,
  options: ExponentialDecayOptions,
): LearningRateSchedule {
  const p = decayProgress('exponentialDecay', learningRate, options);
  return (step) => learningRate * options.decayRate ** p(step);
}

/** Options of {@link inverseTimeDecay} (`tf.compat.v1.train.inverse_time_decay`). */
export type InverseTimeDecayOptions = ExponentialDecayOptions;

/**
 * `learningRate / (1 + decayRate * step / decaySteps)` (the ratio floored with `staircase`),
 * as `tf.compat.v1.train.inverse_time_decay`.
 *
 * @example
 * const lr = inverseTimeDecay(0.1, { decaySteps: 100, decayRate: 0.5 });
 */
export function inverseTimeDecay(
  learningRate: number,
  options: InverseTimeDecayOptions,
): LearningRateSchedule {
  const p = decayProgress('inverseTimeDecay', learningRate, options);
  return (step) => learningRate / (1 + options.decayRate * p(step));
}

/** Options of {@link polynomialDecay} (`tf.compat.v1.train.polynomial_decay`). */
export interface PolynomialDecayOptions {
  /** Steps from `learningRate` to `endLearningRate`. */
  decaySteps: number;
  /** The rate reached at `decaySteps` (default 0.0001, TF's). */
  endLearningRate?: number;
  /** Default 1 (linear). */
  power?: number;
  /** Restart the decay after `decaySteps`, each cycle `decaySteps` longer (default false). */
  cycle?: boolean;
}

/**
 * `(learningRate - end) * (1 - step / decaySteps) ^ power + end`, the step clipped to
 * `decaySteps` (or, with `cycle`, `decaySteps` stretched to the next multiple past the step),
 * as `tf.compat.v1.train.polynomial_decay` and slim's `--learning_rate_decay_type polynomial`.
 *
 * @example
 * const lr = polynomialDecay(0.01, { decaySteps: 10000, endLearningRate: 0.0001, power: 1 });
 */
export function polynomialDecay(
  learningRate: number,
  options: PolynomialDecayOptions,
): LearningRateSchedule {
  const fn = 'polynomialDecay';
  finite(fn, 'learningRate', learningRate);
  positive(fn, 'decaySteps', options.decaySteps);
  const end = options.endLearningRate ?? 0.0001;
  const power = options.power ?? 1;
  finite(fn, 'endLearningRate', end);
  finite(fn, 'power', power);
  const { decaySteps, cycle = false } = options;
  return (step) => {
    let steps = decaySteps;
    let s = step;
    if (cycle) steps = decaySteps * (step === 0 ? 1 : Math.ceil(step / decaySteps));
    else s = Math.min(step, decaySteps);
    return (learningRate - end) * (1 - s / steps) ** power + end;
  };
}

/**
 * `values[0]` up to and including `boundaries[0]`, `values[i]` for `boundaries[i-1] < step <=
 * boundaries[i]`, and the last value after the last boundary, as
 * `tf.compat.v1.train.piecewise_constant`.
 *
 * @example
 * const lr = piecewiseConstant([1000, 5000], [0.1, 0.01, 0.001]);
 */
export function piecewiseConstant(
  boundaries: readonly number[],
  values: readonly number[],
): LearningRateSchedule {
  const fn = 'piecewiseConstant';
  if (
    !Array.isArray(values) ||
    !Array.isArray(boundaries) ||
    values.length !== boundaries.length + 1
  ) {
    throw new LearningError(
      `${fn}: expected one more value than boundaries, got ${String(values?.length)} values and ${String(boundaries?.length)} boundaries. Pass e.g. ([100], [0.1, 0.01]).`,
    );
  }
  boundaries.forEach((b, i) => finite(fn, `boundaries[${i}]`, b));
  values.forEach((v, i) => finite(fn, `values[${i}]`, v));
  return (step) => {
    const i = boundaries.findIndex((b) => step <= b);
    return values[i < 0 ? boundaries.length : i] as number;
  };
}

/** Options of {@link cosineDecay} (`tf.keras.optimizers.schedules.CosineDecay`). */
export interface CosineDecayOptions {
  /** Steps of the cosine decay (after the warm-up). */
  decaySteps: number;
  /** The fraction of the rate kept at the end (default 0). */
  alpha?: number;
  /** Warm up linearly from `learningRate` to `warmupTarget` over `warmupSteps`, then decay from it. */
  warmupTarget?: number;
  /** Steps of linear warm-up (default 0; only with `warmupTarget`). */
  warmupSteps?: number;
}

/**
 * Cosine decay `rate * ((1 - alpha) * 0.5 * (1 + cos(pi * t / decaySteps)) + alpha)`, with an
 * optional linear warm-up, as `tf.keras.optimizers.schedules.CosineDecay(initial_learning_rate,
 * decay_steps, alpha, warmup_target=, warmup_steps=)`.
 *
 * @example
 * const lr = cosineDecay(0, { decaySteps: 10000, warmupTarget: 0.1, warmupSteps: 500 });
 */
export function cosineDecay(
  learningRate: number,
  options: CosineDecayOptions,
): LearningRateSchedule {
  const fn = 'cosineDecay';
  finite(fn, 'learningRate', learningRate);
  positive(fn, 'decaySteps', options.decaySteps);
  const alpha = options.alpha ?? 0;
  finite(fn, 'alpha', alpha);
  const { decaySteps, warmupTarget } = options;
  const decay = (t: number, from: number): number =>
    from * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * (t / decaySteps))) + alpha);
  if (warmupTarget === undefined) return (step) => decay(Math.min(step, decaySteps), learningRate);
  finite(fn, 'warmupTarget', warmupTarget);
  const warmupSteps = options.warmupSteps ?? 0;
  if (!(Number.isFinite(warmupSteps) && warmupSteps >= 0)) {
    throw new LearningError(
      `${fn}: expected warmupSteps a non-negative number, got ${String(warmupSteps)}. Pass e.g. 500.`,
    );
  }
  return (step) => {
    const s = Math.min(step, decaySteps + warmupSteps);
    if (s < warmupSteps) return (warmupTarget - learningRate) * (s / warmupSteps) + learningRate;
    return decay(s - warmupSteps, warmupTarget);
  };
}
