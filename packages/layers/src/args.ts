// Argument checks shared by the layers: sizes, strides, padding and the input tensor.
import type * as tf from '@tensorflow/tfjs-core';
import { LayerInputError, LayerOptionsError } from './errors.js';

/** A size given once for both spatial dimensions or as [height, width]. */
export type Size2 = number | readonly [number, number];

/** SAME keeps ceil(size / stride) positions (zero padding); VALID only full windows. */
export type Padding = 'SAME' | 'VALID';

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export function pair(fn: string, what: string, value: unknown): [number, number] {
  const v = typeof value === 'number' ? [value, value] : value;
  if (
    Array.isArray(v) &&
    v.length === 2 &&
    v.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)
  ) {
    return [v[0] as number, v[1] as number];
  }
  throw new LayerOptionsError(
    `${fn}: expected ${what} to be a positive integer or [height, width], got ${JSON.stringify(value)}.`,
  );
}

export function positiveInt(fn: string, what: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  throw new LayerOptionsError(
    `${fn}: expected ${what} to be a positive integer, got ${JSON.stringify(value)}.`,
  );
}

export function checkPadding(fn: string, padding: unknown): Padding {
  const p = typeof padding === 'string' ? padding.toUpperCase() : padding;
  if (p === 'SAME' || p === 'VALID') return p;
  throw new LayerOptionsError(
    `${fn}: expected options.padding to be 'SAME' or 'VALID', got ${JSON.stringify(padding)}.`,
  );
}

export function checkTensor(fn: string, inputs: unknown): tf.Tensor {
  if (
    typeof inputs !== 'object' ||
    inputs === null ||
    !('shape' in inputs) ||
    !('dtype' in inputs) ||
    !Array.isArray((inputs as tf.Tensor).shape)
  ) {
    throw new LayerInputError(`${fn}: expected inputs to be a tf.Tensor, got ${typeof inputs}.`);
  }
  const t = inputs as tf.Tensor;
  if (t.isDisposed) {
    throw new LayerInputError(
      `${fn}: expected live inputs, got a disposed tensor. Keep it alive (tf.keep) until the layer ran.`,
    );
  }
  return t;
}

/** Inputs must be float32 with exactly `rank` dimensions. */
export function checkRank(
  fn: string,
  inputs: tf.Tensor,
  rank: number,
  layout: string,
  fix: string,
): void {
  if (inputs.rank !== rank) {
    throw new LayerInputError(
      `${fn}: expected inputs of rank ${rank} ${layout}, got rank ${inputs.rank} with shape ` +
        `${shapeStr(inputs.shape)}. ${fix}`,
    );
  }
  checkFloat(fn, inputs);
}

export function checkMinRank(fn: string, inputs: tf.Tensor, min: number, layout: string): void {
  if (inputs.rank < min) {
    throw new LayerInputError(
      `${fn}: expected inputs of rank >= ${min} ${layout}, got rank ${inputs.rank} with shape ` +
        `${shapeStr(inputs.shape)}. Add a batch dimension with tf.expandDims(x, 0).`,
    );
  }
}

export function checkFloat(fn: string, inputs: tf.Tensor): void {
  if (inputs.dtype !== 'float32') {
    throw new LayerInputError(
      `${fn}: expected float32 inputs, got ${inputs.dtype}. Cast them with tf.cast(x, 'float32').`,
    );
  }
}
