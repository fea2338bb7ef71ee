// TensorProto (tensorflow/core/framework/tensor.proto): encode the few tensors summaries
// write, decode any numeric or string tensor TF writes into an event file.
import {
  ProtoDecodeError,
  WIRE_BYTES,
  bfloat16ToFloat,
  halfToFloat,
  type ProtoReader,
  type ProtoWriter,
} from '@tfslim/wire-formats';

/** TensorFlow DataType enum values (types.proto) and the names we report them by. */
export const DTYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'float64',
  3: 'int32',
  4: 'uint8',
  5: 'int16',
  6: 'int8',
  7: 'string',
  8: 'complex64',
  9: 'int64',
  10: 'bool',
  14: 'bfloat16',
  17: 'uint16',
  18: 'complex128',
  19: 'float16',
  22: 'uint32',
  23: 'uint64',
};

export const DT_FLOAT = 1;
export const DT_DOUBLE = 2;
export const DT_STRING = 7;

/**
 * A tensor read from an event file.
 *
 * @example
 * // a TF2 histogram: dtype 'float64', shape [30, 3], values = (left, right, count) rows
 * const rows = tensor.shape[0];
 */
export interface DecodedTensor {
  /** `float32`, `float64`, `int32`, `int64`, `string`, ... or `dtype(<id>)` for other ids. */
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Numeric elements, row-major, converted to doubles (empty for string tensors). */
  readonly values: Float64Array;
  /** Elements of a string tensor as raw bytes (string tensors only). */
  readonly strings?: readonly Uint8Array[];
}

/** Element size in bytes of dtypes stored in tensor_content. */
const CONTENT_SIZE: Readonly<Record<number, number>> = {
  1: 4,
  2: 8,
  3: 4,
  4: 1,
  5: 2,
  6: 1,
  9: 8,
  10: 1,
  14: 2,
  17: 2,
  19: 2,
  22: 4,
  23: 8,
};

function readContent(dtype: number, bytes: Uint8Array, count: number): Float64Array {
  const out = new Float64Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 1:
        out[i] = view.getFloat32(i * 4, true);
        break;
      case 2:
        out[i] = view.getFloat64(i * 8, true);
        break;
      case 3:
        out[i] = view.getInt32(i * 4, true);
        break;
      case 4:
      case 10:
        out[i] = view.getUint8(i);
        break;
      case 5:
        out[i] = view.getInt16(i * 2, true);
        break;
      case 6:
        out[i] = view.getInt8(i);
        break;
      case 9:
        out[i] = Number(view.getBigInt64(i * 8, true));
        break;
      case 14:
        out[i] = bfloat16ToFloat(view.getUint16(i * 2, true));
        break;
      case 17:
        out[i] = view.getUint16(i * 2, true);
        break;
      case 19:
        out[i] = halfToFloat(view.getUint16(i * 2, true));
        break;
      case 22:
        out[i] = view.getUint32(i * 4, true);
        break;
      case 23:
        out[i] = Number(view.getBigUint64(i * 8, true));
        break;
    }
  }
  return out;
}

/** Fill `count` elements from a short value list the way TF does: repeat the last one. */
function fillFrom(list: readonly number[], count: number): Float64Array {
  const out = new Float64Array(count);
  const n = Math.min(list.length, count);
  for (let i = 0; i < n; i++) out[i] = list[i]!;
  if (list.length > 0 && list.length < count) out.fill(list[list.length - 1]!, n);
  return out;
}

function readShape(r: ProtoReader): number[] {
  const dims: number[] = [];
  while (r.next()) {
    if (r.field === 2 && r.wire === WIRE_BYTES) {
      const d = r.message();
      let size = 0;
      while (d.next()) {
        if (d.field === 1) size = d.int64();
        else d.skip();
      }
      dims.push(size);
    } else r.skip();
  }
  return dims;
}

/**
 * Decodes a serialized TensorProto.
 *
 * @example
 * const t = decodeTensorProto(valueReader.message());
 * t.shape; // [30, 3]
 */
export function decodeTensorProto(r: ProtoReader): DecodedTensor {
  let dtype = 0;
  let shape: number[] = [];
  let content: Uint8Array | undefined;
  const list: number[] = [];
  const strings: Uint8Array[] = [];
  while (r.next()) {
    switch (r.field) {
      case 1:
        dtype = r.varint();
        break;
      case 2:
        shape = readShape(r.message());
        break;
      case 4:
        content = r.bytes();
        break;
      case 5:
        r.repeated((x) => x.float(), list);
        break;
      case 6:
        r.repeated((x) => x.double(), list);
        break;
      case 7:
      case 10:
        r.repeated((x) => x.int64(), list);
        break;
      case 11:
      case 16:
      case 17:
        r.repeated((x) => x.varint(), list);
        break;
      case 13: {
        const bits: number[] = [];
        r.repeated((x) => x.varint(), bits);
        for (const b of bits) list.push(dtype === 14 ? bfloat16ToFloat(b) : halfToFloat(b));
        break;
      }
      case 8:
        strings.push(r.bytes());
        break;
      default:
        r.skip();
    }
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const name = DTYPE_NAMES[dtype] ?? `dtype(${dtype})`;
  if (dtype === DT_STRING) {
    const filled = strings.slice(0, count);
    const last = strings[strings.length - 1];
    while (last !== undefined && filled.length < count) filled.push(last);
    return { dtype: name, shape, values: new Float64Array(0), strings: filled };
  }
  const size = CONTENT_SIZE[dtype];
  if (content !== undefined && content.length > 0 && size !== undefined) {
    if (content.length !== count * size) {
      throw new ProtoDecodeError(
        `TensorProto: expected ${count * size} bytes of tensor_content for ${name}[${shape.join(',')}], got ${content.length}`,
      );
    }
    return { dtype: name, shape, values: readContent(dtype, content, count) };
  }
  if (size === undefined) return { dtype: name, shape, values: new Float64Array(0) };
  return { dtype: name, shape, values: fillFrom(list, count) };
}

/**
 * Writes TensorProto fields (dtype, shape, then tensor_content or string_val) into `w`,
 * in field-number order, as TensorFlow serializes them.
 *
 * @example
 * w.messageField(8, (t) => writeTensorProto(t, DT_FLOAT, [], contentBytes));
 */
export function writeTensorProto(
  w: ProtoWriter,
  dtype: number,
  shape: readonly number[],
  content: Uint8Array | readonly Uint8Array[],
): void {
  w.varintField(1, dtype);
  w.messageField(2, (s) => {
    for (const size of shape)
      s.messageField(2, (d) => (size !== 0 ? d.varintField(1, size) : undefined));
  });
  if (content instanceof Uint8Array) {
    if (content.length > 0) w.bytesField(4, content);
  } else {
    for (const s of content) w.bytesField(8, s);
  }
}
