// movingAverageVariablesToRestore: TF's ema.variables_to_restore().
import type * as tf from '@tensorflow/tfjs-core';
import { movingAverageName } from './moving-averages.js';

/**
 * TF's `ema.variables_to_restore()`: each variable restored from its shadow
 * `<name>/ExponentialMovingAverage` instead of its own value (arrays are named by `v.name`).
 */
export function movingAverageVariablesToRestore(
  vars: Readonly<Record<string, tf.Variable>> | readonly tf.Variable[],
): Record<string, tf.Variable> {
  const entries: Array<[string, tf.Variable]> = Array.isArray(vars)
    ? (vars as readonly tf.Variable[]).map((v) => [v.name, v])
    : Object.entries(vars as Readonly<Record<string, tf.Variable>>);
  return Object.fromEntries(entries.map(([name, v]) => [movingAverageName(name), v]));
}
