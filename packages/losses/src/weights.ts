// Loss weights: checked against the losses and prepared in the cheapest form.
import * as tf from '@tensorflow/tfjs-core';
import { LossInputError, formatShape } from './errors.js';
import { checkTensor } from './inputs.js';

/** A loss weight: a number, or a tensor aligned with the losses from the leading axis. */
export type Weights = tf.Tensor | number;

/** Weights after validation, in the cheapest form the reduction can use. */
export type PreparedWeights =
  | { readonly kind: 'none' }
  | { readonly kind: 'number'; readonly value: number }
  /** float32, reshaped so that it broadcasts against the losses; `size` before broadcasting. */
  | { readonly kind: 'tensor'; readonly tensor: tf.Tensor; readonly size: number };

function examples(lossShape: readonly number[]): string {
  const shapes = new Set<string>(['[]']);
  for (let r = 1; r <= lossShape.length; r++) shapes.add(formatShape(lossShape.slice(0, r)));
  if (lossShape.length >= 1) shapes.add(formatShape([...lossShape, 1]));
  return [...shapes].join(', ');
}

/**
 * Validates `weights` against the per-element losses' shape the way TF-Slim's
 * `compute_weighted_loss` does:
 * - a number or a scalar tensor weighs every element;
 * - a tensor of rank > 1 whose last dimension is 1 has that dimension squeezed ([B,1] -> [B]);
 * - a tensor of rank r <= rank(losses) aligns with the losses' LEADING r axes (slim's rule, so
 *   [B] weighs whole examples of [B,C] losses); each of its dimensions is 1 or equal to the
 *   losses'. Per-class weights are therefore written [1,C].
 */
export function prepareWeights(
  functionName: string,
  weights: unknown,
  lossShape: readonly number[],
): PreparedWeights {
  if (weights === undefined) return { kind: 'none' };
  if (typeof weights === 'number') {
    if (!Number.isFinite(weights)) {
      throw new LossInputError(
        functionName,
        'options.weights to be a finite number or a tensor',
        String(weights),
        'Pass finite weights (0 drops an element from the loss).',
      );
    }
    return { kind: 'number', value: weights };
  }
  let w = checkTensor(functionName, 'options.weights', weights);
  if (w.dtype === 'string' || w.dtype === 'complex64') {
    throw new LossInputError(
      functionName,
      'options.weights of a numeric dtype (float32, int32 or bool)',
      `dtype ${w.dtype}`,
      'Pass numeric weights.',
    );
  }
  const original = w.shape;
  let shape = [...w.shape];
  if (shape.length > 1 && shape[shape.length - 1] === 1) shape = shape.slice(0, -1);
  const fits =
    shape.length <= lossShape.length && shape.every((d, i) => d === 1 || d === lossShape[i]);
  if (!fits) {
    throw new LossInputError(
      functionName,
      `options.weights that align with the losses' shape ${formatShape(lossShape)} from the leading axis (one of ${examples(lossShape)}, or with 1 in any dimension)`,
      `weights of shape ${formatShape(original)}`,
      lossShape.length <= 1
        ? 'This loss gives one value per example: pass one weight per example, or a scalar.'
        : `Give one weight per example as ${formatShape(lossShape.slice(0, 1))}, one per element as ${formatShape(lossShape)}, or per class as ${formatShape([1, ...lossShape.slice(1)])}.`,
    );
  }
  if (w.dtype !== 'float32') w = tf.cast(w, 'float32');
  const aligned = [...shape, ...new Array<number>(lossShape.length - shape.length).fill(1)];
  if (aligned.length !== w.rank || aligned.some((d, i) => d !== w.shape[i])) {
    w = tf.reshape(w, aligned);
  }
  return { kind: 'tensor', tensor: w, size: w.size };
}
