// MovingAverages: TF's ExponentialMovingAverage of the variables, with TF's shadow names.
import * as tf from '@tensorflow/tfjs-core';
import { LearningError } from './errors.js';

/** TF's `ExponentialMovingAverage` shadow-name suffix (`<var>/ExponentialMovingAverage`). */
export const MOVING_AVERAGE_SUFFIX = 'ExponentialMovingAverage';

/** The checkpoint name of a variable's shadow, as TF's `ema.average_name(var)`. */
export function movingAverageName(variableName: string): string {
  return `${variableName}/${MOVING_AVERAGE_SUFFIX}`;
}

/**
 * Shadow copies of variables kept as TF's `ExponentialMovingAverage(decay, num_updates)`:
 * each update does `shadow -= (1 - d) * (shadow - var)` with `d = min(decay, (1 + n) / (10 + n))`
 * where `n` is the number of updates so far (the global step). Shadows start at the variables'
 * values when the averages are created, as TF's do.
 */
export class MovingAverages {
  private readonly shadows = new Map<tf.Variable, tf.Variable>();

  constructor(
    /** The decay (TF's `decay`; the update count lowers it early on). */
    readonly decay: number,
    variables: readonly tf.Variable[],
  ) {
    if (!(typeof decay === 'number' && decay >= 0 && decay <= 1)) {
      throw new LearningError(
        `createTrainOp: expected movingAverageDecay a number in [0, 1], got ${String(decay)}. Pass e.g. 0.9999.`,
      );
    }
    for (const v of variables) this.shadows.set(v, tf.variable(v.clone(), false));
  }

  /** The decay used at `numUpdates`: `min(decay, (1 + n) / (10 + n))`. */
  decayAt(numUpdates: number): number {
    return Math.min(this.decay, (1 + numUpdates) / (10 + numUpdates));
  }

  /** Moves every shadow toward its variable (call inside `tf.tidy`). */
  update(numUpdates: number): void {
    const oneMinus = tf.scalar(1 - this.decayAt(numUpdates));
    for (const [v, s] of this.shadows) s.assign(tf.sub(s, tf.mul(tf.sub(s, v), oneMinus)));
  }

  /** The shadow of `variable` (undefined when it is not averaged). */
  shadowOf(variable: tf.Variable): tf.Variable | undefined {
    return this.shadows.get(variable);
  }

  /** `{'<name>/ExponentialMovingAverage': shadow}` with names from `nameOf` (for checkpoints). */
  named(nameOf: (v: tf.Variable) => string): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [v, s] of this.shadows) out[movingAverageName(nameOf(v))] = s;
    return out;
  }

  /** Frees the shadows. */
  dispose(): void {
    for (const s of this.shadows.values()) s.dispose();
    this.shadows.clear();
  }
}
