// Shared by the metrics that read one rate at the threshold where another reaches a target
// (sensitivityAtSpecificity, precisionAtRecall, ...): option checks and the threshold states.
import { MetricInputError } from './errors.js';
import { aucThresholds, THRESHOLD_EPSILON } from './thresholds.js';

/** Validates a target rate option: a number in [0, 1]. */
export function targetRate(fn: string, option: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new MetricInputError(
      `${fn}: expected ${option} as a number in [0, 1], got ${String(value)}. Pass e.g. { ${option}: 0.9 }.`,
    );
  }
  return value;
}

/**
 * TF's thresholds for these metrics: `[-1e-7, 1/(n-1), ..., (n-2)/(n-1), 1 + 1e-7]`
 * (`upperEnd: 'below'` ends at 1 - 1e-7, as TF's `specificity_at_sensitivity` does).
 */
export function targetThresholds(
  fn: string,
  numThresholds: number,
  upperEnd: 'above' | 'below' = 'above',
): number[] {
  const t = aucThresholds(fn, numThresholds);
  if (upperEnd === 'below') t[t.length - 1] = 1 - THRESHOLD_EPSILON;
  return t;
}

/** TF's epsilon in these rates (`kepsilon`). */
export const RATE_EPSILON = THRESHOLD_EPSILON;
