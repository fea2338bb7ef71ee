// Raw stored values -> tfjs tensors (with range checks), and tfjs tensors -> raw values.

import * as tf from '@tensorflow/tfjs-core';
import type { RawTensor } from './dtypes.js';
import { bfloat16ToFloat, halfToFloat } from './dtypes.js';
import { CheckpointFormatError } from './errors.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The tfjs dtype a stored dtype becomes. */
export function tfjsDtypeOf(dtype: RawTensor['dtype']): tf.DataType {
  switch (dtype) {
    case 'float32':
    case 'float64':
    case 'float16':
    case 'bfloat16':
      return 'float32';
    case 'bool':
      return 'bool';
    case 'string':
      return 'string';
    case 'complex64':
      return 'complex64';
    default:
      return 'int32';
  }
}

function toInt32(
  data: ArrayLike<number | bigint> & Iterable<number | bigint>,
  name: string,
  file: string,
  fn: string,
  dtype: string,
): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    const n =
      typeof v === 'bigint'
        ? v >= BigInt(INT32_MIN) && v <= BigInt(INT32_MAX)
          ? Number(v)
          : NaN
        : v;
    if (!(n >= INT32_MIN && n <= INT32_MAX)) {
      throw new CheckpointFormatError({
        fn,
        code: 'OUT_OF_RANGE',
        file,
        tensor: name,
        expected: `${dtype} values within int32 range (tfjs has no ${dtype})`,
        got: `${String(v)} at flat index ${i}`,
        fix: 'Read it with getRaw() to get the exact values',
      });
    }
    out[i] = n;
  }
  return out;
}

/** Builds a tfjs tensor from raw values; `name`/`file`/`fn` go into range errors. */
export function rawToTensor(raw: RawTensor, name: string, file: string, fn: string): tf.Tensor {
  const shape = raw.shape;
  switch (raw.dtype) {
    case 'float32':
      return tf.tensor(raw.data, shape, 'float32');
    case 'float64':
      return tf.tensor(Float32Array.from(raw.data), shape, 'float32');
    case 'float16': {
      const out = new Float32Array(raw.data.length);
      for (let i = 0; i < out.length; i++) out[i] = halfToFloat(raw.data[i]!);
      return tf.tensor(out, shape, 'float32');
    }
    case 'bfloat16': {
      const out = new Float32Array(raw.data.length);
      for (let i = 0; i < out.length; i++) out[i] = bfloat16ToFloat(raw.data[i]!);
      return tf.tensor(out, shape, 'float32');
    }
    case 'int32':
      return tf.tensor(raw.data, shape, 'int32');
    case 'int8':
    case 'int16':
    case 'uint8':
    case 'uint16':
      return tf.tensor(Int32Array.from(raw.data), shape, 'int32');
    case 'uint32':
    case 'int64':
    case 'uint64':
      return tf.tensor(toInt32(raw.data, name, file, fn, raw.dtype), shape, 'int32');
    case 'bool':
      return tf.tensor(raw.data, shape, 'bool');
    case 'string':
      return tf.tensor(raw.data, shape, 'string');
    case 'complex64': {
      if (tf.getKernel('Complex', tf.getBackend()) === undefined) {
        throw new CheckpointFormatError({
          fn,
          code: 'UNSUPPORTED',
          file,
          tensor: name,
          expected: `a tfjs backend with complex64 support (cpu, webgl)`,
          got: `backend "${tf.getBackend()}"`,
          fix: 'Read it with getRaw() (interleaved real/imaginary float32), or switch backends',
        });
      }
      const n = raw.data.length / 2;
      const re = new Float32Array(n);
      const im = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        re[i] = raw.data[2 * i]!;
        im[i] = raw.data[2 * i + 1]!;
      }
      return tf.tidy(() => tf.complex(tf.tensor(re, shape), tf.tensor(im, shape)));
    }
  }
}

/**
 * Reads a tfjs tensor's values as a raw tensor: float32, int32 (int64 when `asInt64`), bool,
 * complex64 (interleaved), string (bytes).
 */
export async function tensorToRaw(t: tf.Tensor, asInt64 = false): Promise<RawTensor> {
  const shape = [...t.shape];
  switch (t.dtype) {
    case 'float32':
      return { dtype: 'float32', shape, data: (await t.data()) as Float32Array };
    case 'int32': {
      const d = (await t.data()) as Int32Array;
      if (!asInt64) return { dtype: 'int32', shape, data: d };
      const out = new BigInt64Array(d.length);
      for (let i = 0; i < d.length; i++) out[i] = BigInt(d[i]!);
      return { dtype: 'int64', shape, data: out };
    }
    case 'bool': {
      const d = await t.data();
      return {
        dtype: 'bool',
        shape,
        data: d instanceof Uint8Array ? d : Uint8Array.from(d as ArrayLike<number>),
      };
    }
    case 'complex64':
      return { dtype: 'complex64', shape, data: (await t.data()) as Float32Array };
    case 'string':
      return { dtype: 'string', shape, data: (await t.bytes()) as Uint8Array[] };
  }
}
