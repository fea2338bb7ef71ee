// multiplyGradients and clipGradientNorms: slim's gradient transforms.
import * as tf from '@tensorflow/tfjs-core';
import { LearningError } from './errors.js';

/**
 * Per-variable gradient multipliers: keyed by the variable itself or by its slim name (or its
 * tfjs name). A `Record` is keyed by name only.
 */
export type GradientMultipliers =
  ReadonlyMap<tf.Variable | string, number> | Readonly<Record<string, number>>;

/** One gradient with the variable it belongs to. */
export interface GradientEntry {
  /** The variable's slim name (its tfjs name when it has none). */
  readonly name: string;
  readonly variable: tf.Variable;
  readonly gradient: tf.Tensor;
}

function lookup(
  multipliers: GradientMultipliers,
  variable: tf.Variable,
  name: string,
): number | undefined {
  if (multipliers instanceof Map) {
    const m = multipliers as ReadonlyMap<tf.Variable | string, number>;
    return m.get(variable) ?? m.get(name) ?? m.get(variable.name);
  }
  const r = multipliers as Readonly<Record<string, number>>;
  return Object.prototype.hasOwnProperty.call(r, name)
    ? r[name]
    : Object.prototype.hasOwnProperty.call(r, variable.name)
      ? r[variable.name]
      : undefined;
}

/**
 * Multiplies each gradient by its variable's multiplier (slim's `multiply_gradients`);
 * gradients without one pass unchanged. Call inside `tf.tidy`.
 *
 * @example
 * const scaled = multiplyGradients(entries, { 'net/fc8/weights': 10 });
 */
export function multiplyGradients(
  entries: readonly GradientEntry[],
  multipliers: GradientMultipliers,
): GradientEntry[] {
  return entries.map((e) => {
    const m = lookup(multipliers, e.variable, e.name);
    if (m === undefined) return e;
    if (typeof m !== 'number' || !Number.isFinite(m)) {
      throw new LearningError(
        `multiplyGradients: expected a finite number as the multiplier of '${e.name}', got ${String(m)}. Pass e.g. 10.`,
      );
    }
    return { ...e, gradient: tf.mul(e.gradient, tf.scalar(m, e.gradient.dtype)) };
  });
}

/**
 * Clips each gradient by its OWN L2 norm (slim's `clip_gradient_norms`, TF's
 * `clip_by_norm`): `g * clipNorm / max(||g||, clipNorm)`. Call inside `tf.tidy`.
 *
 * @example
 * const clipped = clipGradientNorms(entries, 5);
 */
export function clipGradientNorms(
  entries: readonly GradientEntry[],
  clipNorm: number,
): GradientEntry[] {
  if (!(typeof clipNorm === 'number' && clipNorm > 0 && Number.isFinite(clipNorm))) {
    throw new LearningError(
      `clipGradientNorms: expected clipNorm a positive finite number, got ${String(clipNorm)}. Pass e.g. 5.`,
    );
  }
  return entries.map((e) => {
    const norm = tf.sqrt(tf.sum(tf.square(e.gradient)));
    const c = tf.scalar(clipNorm);
    const gradient = tf.div(tf.mul(e.gradient, c), tf.maximum(norm, c));
    return { ...e, gradient };
  });
}
