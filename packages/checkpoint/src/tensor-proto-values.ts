// The values of a TensorProto as V1 checkpoints store them (saved_tensor_slice_util.h): packed
// fixed-width numbers, varints, one field per string, or raw tensor_content.

import type { TfDtype } from './dtypes.js';
import { dtypeSize } from './dtypes.js';
import { decodeFields, ProtoError } from './proto.js';
import type { SliceData } from './tensor-slice.js';
import { concatBytes } from '@tfslim/wire-formats';

const TENSOR_CONTENT = 4;

/** The TensorProto field each dtype's values sit in, and how they are encoded. */
const VALUE_FIELD: Partial<Record<TfDtype, { field: number; fixed: boolean }>> = {
  float32: { field: 5, fixed: true },
  float64: { field: 6, fixed: true },
  complex64: { field: 9, fixed: true },
  int32: { field: 7, fixed: false },
  int16: { field: 7, fixed: false },
  int8: { field: 7, fixed: false },
  uint8: { field: 7, fixed: false },
  uint16: { field: 7, fixed: false },
  int64: { field: 10, fixed: false },
  bool: { field: 11, fixed: false },
  float16: { field: 13, fixed: false },
  bfloat16: { field: 13, fixed: false },
  uint32: { field: 16, fixed: false },
  uint64: { field: 17, fixed: false },
};

/**
 * Decodes the `n` values of a TensorProto of `dtype`. Fixed-width values in one packed field
 * come back as a view of `proto` (no copy). Throws ProtoError when the count is not `n`.
 */
export function tensorProtoValues(proto: Uint8Array, dtype: TfDtype, n: number): SliceData {
  const fields = decodeFields(proto);
  if (dtype === 'string') {
    const values = fields.filter((f) => f.field === 8 && f.wire === 2).map((f) => f.bytes.slice());
    if (values.length !== n) throw new ProtoError(`${values.length} string_val for ${n} strings`);
    return values;
  }
  const size = dtypeSize(dtype);
  const content = fields.filter((f) => f.field === TENSOR_CONTENT && f.wire === 2);
  if (content.length > 0) {
    const bytes =
      content.length === 1 ? content[0]!.bytes : concatBytes(content.map((f) => f.bytes));
    if (bytes.length !== n * size) {
      throw new ProtoError(`tensor_content of ${bytes.length} bytes for ${n} ${dtype} values`);
    }
    return bytes;
  }
  const spec = VALUE_FIELD[dtype];
  if (spec === undefined) throw new ProtoError(`no value field for ${dtype}`);
  const mine = fields.filter((f) => f.field === spec.field);
  return spec.fixed ? fixedValues(mine, size, n, dtype) : varintValues(mine, dtype, n);
}

/** Packed (wire 2) or one-at-a-time (wire 5 / 1) fixed-width values, as raw LE bytes. */
function fixedValues(
  fields: ReturnType<typeof decodeFields>,
  size: number,
  n: number,
  dtype: TfDtype,
): Uint8Array {
  // complex64 is two float32 per element; float_val / double_val one per element.
  const width = dtype === 'complex64' ? 4 : size;
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    if (f.wire === 2) parts.push(f.bytes);
    else if (f.wire === 5 && width === 4) parts.push(le32(f.value));
    else if (f.wire === 1 && width === 8) parts.push(f.bytes);
    else throw new ProtoError(`wire type ${f.wire} for ${dtype} values`);
  }
  const bytes = parts.length === 1 ? parts[0]! : concatBytes(parts);
  if (bytes.length !== n * size) {
    throw new ProtoError(`${bytes.length / width} values for ${n} ${dtype} elements`);
  }
  return bytes;
}

function le32(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
}

/** Packed (wire 2) or one-at-a-time (wire 0) varints, into the dtype's typed array bytes. */
function varintValues(
  fields: ReturnType<typeof decodeFields>,
  dtype: TfDtype,
  n: number,
): Uint8Array {
  // Every varint takes at least one byte: bound the count before allocating.
  let bound = 0;
  for (const f of fields) bound += f.wire === 2 ? f.bytes.length : 1;
  if (bound < n) throw new ProtoError(`at most ${bound} values for ${n} ${dtype} elements`);
  const out = new Uint8Array(n * dtypeSize(dtype));
  const view = new DataView(out.buffer);
  let count = 0;
  const put = (lo: number, hi: number): void => {
    if (count >= n) throw new ProtoError(`more than ${n} ${dtype} values`);
    storeValue(view, dtype, count++, lo, hi);
  };
  for (const f of fields) {
    if (f.wire === 0) {
      // decodeFields read it as a number: exact below 2^53, which covers every wire-0 value a
      // conforming writer uses here except negative int64s, which come packed from TF.
      put(f.value % 2 ** 32, Math.floor(f.value / 2 ** 32));
    } else if (f.wire === 2) {
      const b = f.bytes;
      let p = 0;
      while (p < b.length) {
        let lo = 0;
        let hi = 0;
        let i = 0;
        for (; ; i++) {
          if (i >= 10 || p >= b.length) throw new ProtoError('truncated or overlong varint');
          const c = b[p++]!;
          if (i < 4) lo |= (c & 0x7f) << (7 * i);
          else if (i === 4) {
            lo |= (c & 0x0f) << 28;
            hi |= (c & 0x70) >>> 4;
          } else hi |= (c & 0x7f) << (7 * i - 32);
          if ((c & 0x80) === 0) break;
        }
        put(lo >>> 0, hi >>> 0);
      }
    } else {
      throw new ProtoError(`wire type ${f.wire} for ${dtype} values`);
    }
  }
  if (count !== n) throw new ProtoError(`${count} values for ${n} ${dtype} elements`);
  return out;
}

/** Stores element `i` of `dtype` from the low / high 32 bits of a varint (truncating, as protobuf). */
function storeValue(view: DataView, dtype: TfDtype, i: number, lo: number, hi: number): void {
  switch (dtype) {
    case 'int8':
    case 'uint8':
      view.setUint8(i, lo & 0xff);
      return;
    case 'bool':
      view.setUint8(i, lo !== 0 || hi !== 0 ? 1 : 0);
      return;
    case 'int16':
    case 'uint16':
    case 'float16':
    case 'bfloat16':
      view.setUint16(2 * i, lo & 0xffff, true);
      return;
    case 'int32':
    case 'uint32':
      view.setUint32(4 * i, lo, true);
      return;
    default: // int64, uint64
      view.setUint32(8 * i, lo, true);
      view.setUint32(8 * i + 4, hi, true);
  }
}
