// TensorFlow DataType ids (types.proto), their byte sizes, and the typed arrays that hold
// their raw little-endian bytes.

/** The dtypes this package reads and writes, by TensorFlow's meaning. */
export type TfDtype =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'complex64'
  | 'string';

/** TensorFlow's enum value for each supported dtype. */
export const TF_DTYPE_IDS: Readonly<Record<TfDtype, number>> = {
  float32: 1,
  float64: 2,
  int32: 3,
  uint8: 4,
  int16: 5,
  int8: 6,
  string: 7,
  complex64: 8,
  int64: 9,
  bool: 10,
  bfloat16: 14,
  uint16: 17,
  float16: 19,
  uint32: 22,
  uint64: 23,
};

const BY_ID = new Map<number, TfDtype>(
  (Object.entries(TF_DTYPE_IDS) as Array<[TfDtype, number]>).map(([k, v]) => [v, k]),
);

const TF_ENUM_NAMES: Record<number, string> = {
  0: 'DT_INVALID',
  1: 'DT_FLOAT',
  2: 'DT_DOUBLE',
  3: 'DT_INT32',
  4: 'DT_UINT8',
  5: 'DT_INT16',
  6: 'DT_INT8',
  7: 'DT_STRING',
  8: 'DT_COMPLEX64',
  9: 'DT_INT64',
  10: 'DT_BOOL',
  11: 'DT_QINT8',
  12: 'DT_QUINT8',
  13: 'DT_QINT32',
  14: 'DT_BFLOAT16',
  15: 'DT_QINT16',
  16: 'DT_QUINT16',
  17: 'DT_UINT16',
  18: 'DT_COMPLEX128',
  19: 'DT_HALF',
  20: 'DT_RESOURCE',
  21: 'DT_VARIANT',
  22: 'DT_UINT32',
  23: 'DT_UINT64',
};

/** The supported dtype for a TensorFlow enum value, or undefined. */
export function dtypeFromId(id: number): TfDtype | undefined {
  return BY_ID.get(id);
}

/** TensorFlow's enum name (`DT_FLOAT`), or `DT_<id>` for ids unknown to this table. */
export function tfEnumName(id: number): string {
  return TF_ENUM_NAMES[id] ?? `DT_${id}`;
}

/** Bytes per element; 0 for string (variable length). */
export function dtypeSize(d: TfDtype): number {
  switch (d) {
    case 'float64':
    case 'int64':
    case 'uint64':
    case 'complex64':
      return 8;
    case 'float32':
    case 'int32':
    case 'uint32':
      return 4;
    case 'float16':
    case 'bfloat16':
    case 'int16':
    case 'uint16':
      return 2;
    case 'int8':
    case 'uint8':
    case 'bool':
      return 1;
    case 'string':
      return 0;
  }
}

/**
 * The typed array holding each dtype's raw values: float16 and bfloat16 as their raw 16-bit
 * patterns (Uint16Array), bool as 0/1 bytes, complex64 as interleaved re/im Float32Array,
 * string as one Uint8Array per element.
 */
export interface RawDataByDtype {
  float32: Float32Array;
  float64: Float64Array;
  float16: Uint16Array;
  bfloat16: Uint16Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
  complex64: Float32Array;
  string: Uint8Array[];
}

/** Any numeric typed array a raw tensor may hold. */
export type RawNumericData = Exclude<RawDataByDtype[TfDtype], Uint8Array[]>;

/**
 * A tensor's values as stored: TensorFlow dtype, shape and typed data (see
 * {@link RawDataByDtype}). Saving accepts these beside tfjs tensors, to write dtypes tfjs
 * lacks (float64, int64, float16, ...).
 *
 * @example
 * const step: RawTensor = { dtype: 'int64', shape: [], data: new BigInt64Array([1000n]) };
 */
export type RawTensor = {
  [D in TfDtype]: { dtype: D; shape: number[]; data: RawDataByDtype[D] };
}[TfDtype];

/** Element count of a shape (1 for a scalar). */
export function numElements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Views `bytes` (any alignment) as the typed array of `dtype`, copying only when unaligned. */
export function viewAs(dtype: Exclude<TfDtype, 'string'>, bytes: Uint8Array): RawNumericData {
  const size = dtypeSize(dtype);
  const align = dtype === 'complex64' ? 4 : size;
  const src = bytes.byteOffset % align === 0 ? bytes : bytes.slice();
  const { buffer, byteOffset } = src;
  const n = src.byteLength / size;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, n);
    case 'complex64':
      return new Float32Array(buffer, byteOffset, n * 2);
    case 'float64':
      return new Float64Array(buffer, byteOffset, n);
    case 'float16':
    case 'bfloat16':
    case 'uint16':
      return new Uint16Array(buffer, byteOffset, n);
    case 'int8':
      return new Int8Array(buffer, byteOffset, n);
    case 'int16':
      return new Int16Array(buffer, byteOffset, n);
    case 'int32':
      return new Int32Array(buffer, byteOffset, n);
    case 'int64':
      return new BigInt64Array(buffer, byteOffset, n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer, byteOffset, n);
    case 'uint32':
      return new Uint32Array(buffer, byteOffset, n);
    case 'uint64':
      return new BigUint64Array(buffer, byteOffset, n);
  }
}

/** The bytes of a numeric typed array, without copying. */
export function bytesOf(data: RawNumericData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

// Half floats and bfloat16: @tfslim/wire-formats' conversions (one copy for every format).
export { bfloat16ToFloat, floatToBfloat16, floatToHalf, halfToFloat } from '@tfslim/wire-formats';
