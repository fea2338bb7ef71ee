// Validation and conversion of what users pass to SummaryWriter: numbers, arrays, typed
// arrays, pixel objects and tensor-likes (anything with `shape` and async `data()`).
import { SummaryArgumentError } from './errors.js';
import type { NumericArray, PixelData, TensorLike } from './types.js';

/**
 * True for tensor-likes such as tfjs tensors: an object with a `shape` array and a `data()`
 * method.
 *
 * @example
 * isTensorLike(tf.scalar(1)); // true
 */
export function isTensorLike(x: unknown): x is TensorLike {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as { data?: unknown }).data === 'function' &&
    Array.isArray((x as { shape?: unknown }).shape)
  );
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  if (typeof x === 'object')
    return `an object with keys [${Object.keys(x).slice(0, 5).join(', ')}]`;
  if (typeof x === 'string')
    return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
  return `${typeof x} ${String(x)}`;
}

/** Copies numbers into a Float64Array, throwing if one is not a finite number. */
export function finiteValues(method: string, values: ArrayLike<unknown>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new SummaryArgumentError(
        `SummaryWriter.${method}: expected finite numbers, got ${typeof v === 'number' ? String(v) : describeValue(v)} at index ${i}. ` +
          `Filter or replace NaN and infinite values before logging (e.g. log their count as a scalar).`,
      );
    }
    out[i] = v;
  }
  return out;
}

const INTEGER_ARRAYS = [
  Int8Array,
  Int16Array,
  Int32Array,
  Uint8Array,
  Uint8ClampedArray,
  Uint16Array,
  Uint32Array,
] as const;

function isIntegerArray(a: unknown): boolean {
  return INTEGER_ARRAYS.some((T) => a instanceof T);
}

/** Checks an image shape: `[H, W, C]` (or `[N, H, W, C]`) with C in 1, 3, 4. */
export function checkImageShape(shape: readonly number[]): void {
  const ok =
    (shape.length === 3 || shape.length === 4) &&
    shape.every((d) => Number.isInteger(d) && d > 0) &&
    [1, 3, 4].includes(shape[shape.length - 1]!);
  if (!ok) {
    throw new SummaryArgumentError(
      `SummaryWriter.image: expected shape [height, width, channels] (or [n, height, width, channels]) ` +
        `with channels 1, 3 or 4, got [${shape.join(', ')}]. Reshape the image, e.g. add a channel axis to a 2-D array.`,
    );
  }
}

/**
 * Converts pixels to 8 bits: integer arrays (and integer dtypes) must hold 0..255; float
 * arrays values in [0, 1], mapped as TF's `convert_image_dtype` does (`floor(x * 255.5)`).
 */
export function toUint8Pixels(
  data: ArrayLike<unknown>,
  dtype: string | undefined,
  expected: number,
): Uint8Array {
  if (data.length !== expected) {
    throw new SummaryArgumentError(
      `SummaryWriter.image: expected ${expected} pixel values for the given shape, got ${data.length}. ` +
        `Make the shape match the data.`,
    );
  }
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) {
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  }
  const integer =
    dtype !== undefined ? dtype !== 'float32' && dtype !== 'float64' : isIntegerArray(data);
  const out = new Uint8Array(expected);
  for (let i = 0; i < expected; i++) {
    const v = data[i];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new SummaryArgumentError(
        `SummaryWriter.image: expected numeric pixels, got ${describeValue(v)} at index ${i}. Replace NaN pixels.`,
      );
    }
    if (integer) {
      if (!(v >= 0 && v <= 255 && Number.isInteger(v))) {
        throw new SummaryArgumentError(
          `SummaryWriter.image: expected integer pixels in 0..255, got ${v} at index ${i}. ` +
            `Clip the image, or pass floats in [0, 1].`,
        );
      }
      out[i] = v;
    } else {
      if (!(v >= 0 && v <= 1)) {
        throw new SummaryArgumentError(
          `SummaryWriter.image: expected float pixels in [0, 1], got ${v} at index ${i}. ` +
            `Scale the image into [0, 1] (e.g. divide 0..255 data by 255), or pass a Uint8Array.`,
        );
      }
      out[i] = Math.min(255, Math.floor(v * 255.5));
    }
  }
  return out;
}

export type { NumericArray, PixelData, TensorLike };
