// Walking pipeline elements (tensors, numbers, bytes, and arrays/plain objects of them):
// disposing what a stage drops, and stacking elements into a batch.
import * as tf from '@tensorflow/tfjs-core';
import { DataError } from './errors.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Disposes every tensor inside `element` (an element a stage drops, or one left in a buffer). */
export function disposeElement(element: unknown): void {
  if (element instanceof tf.Tensor) element.dispose();
  else if (Array.isArray(element)) for (const v of element) disposeElement(v);
  else if (isPlainObject(element)) for (const v of Object.values(element)) disposeElement(v);
}

/**
 * One batch from `items` of the same structure: tensors stacked (the items' tensors disposed),
 * numbers into a 1-D tensor (int32 when all are integers, else float32), anything else
 * (bytes, strings) into an array.
 */
export function stackElements(items: readonly unknown[], fn = 'Dataset.batch'): unknown {
  const first = items[0];
  if (first instanceof tf.Tensor) {
    const ts = items as tf.Tensor[];
    checkShapes(ts, fn);
    const out = tf.stack(ts);
    for (const t of ts) t.dispose();
    return out;
  }
  if (typeof first === 'number') {
    const nums = items as number[];
    return tf.tensor1d(nums, nums.every(Number.isInteger) ? 'int32' : 'float32');
  }
  if (Array.isArray(first)) {
    return first.map((_, k) =>
      stackElements(
        items.map((it) => (it as unknown[])[k]),
        fn,
      ),
    );
  }
  if (isPlainObject(first)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = stackElements(
        items.map((it) => (it as Record<string, unknown>)[key]),
        fn,
      );
    }
    return out;
  }
  return [...items];
}

function checkShapes(ts: readonly tf.Tensor[], fn: string): void {
  const shape = ts[0]!.shape;
  for (let i = 1; i < ts.length; i++) {
    const s = ts[i]!.shape;
    if (
      s.length !== shape.length ||
      s.some((d, k) => d !== shape[k]) ||
      ts[i]!.dtype !== ts[0]!.dtype
    ) {
      throw new DataError(
        fn,
        'INVALID_ARGUMENT',
        {},
        `elements of one shape and dtype to stack ([${shape}] ${ts[0]!.dtype})`,
        `[${s}] ${ts[i]!.dtype} at position ${i} of the batch`,
        'Resize or crop images to one size before batching (e.g. vggPreprocess), or batch VarLen features yourself.',
      );
    }
  }
}
