// tf.Example (example.proto, feature.proto) decode and encode: bytes, float and int64 lists,
// numbers packed or not.
import { ExampleError, ProtoDecodeError } from './errors.js';
import { ProtoReader } from './proto-reader.js';
import { ProtoWriter, WIRE_BYTES } from './proto-writer.js';

/** One decoded feature: its list kind and values (`none` for a Feature with no list set). */
export type ExampleFeature =
  | { kind: 'bytes'; values: Uint8Array[] }
  | { kind: 'float'; values: Float32Array }
  | { kind: 'int64'; values: BigInt64Array }
  | { kind: 'none'; values: [] };

/** A decoded `tf.Example`: feature name to feature. */
export type Example = Map<string, ExampleFeature>;

/** A feature to encode: bytes as arrays or strings (UTF-8), int64 as safe integers or bigints. */
export type ExampleFeatureInput =
  | { kind: 'bytes'; values: ReadonlyArray<Uint8Array | string> }
  | { kind: 'float'; values: ArrayLike<number> }
  | { kind: 'int64'; values: ArrayLike<number | bigint> };

const text = new TextEncoder();

/**
 * Decodes a serialized `tf.Example`. Bytes values are views into `bytes` (no copy). Throws
 * {@link ProtoDecodeError} for malformed bytes.
 *
 * @example
 * const ex = decodeExample(payload);
 * ex.get('image/class/label'); // { kind: 'int64', values: BigInt64Array [3n] }
 */
export function decodeExample(bytes: Uint8Array): Example {
  const out: Example = new Map();
  const r = new ProtoReader(bytes);
  while (r.next()) {
    if (r.field === 1 && r.wire === WIRE_BYTES) readFeatures(r.message(), out);
    else r.skip();
  }
  return out;
}

function readFeatures(r: ProtoReader, out: Example): void {
  while (r.next()) {
    if (r.field !== 1 || r.wire !== WIRE_BYTES) {
      r.skip();
      continue;
    }
    const entry = r.message();
    let key = '';
    let feature: ExampleFeature = { kind: 'none', values: [] };
    while (entry.next()) {
      if (entry.field === 1 && entry.wire === WIRE_BYTES) key = entry.string();
      else if (entry.field === 2 && entry.wire === WIRE_BYTES)
        feature = readFeature(entry.message());
      else entry.skip();
    }
    out.set(key, feature);
  }
}

function readFeature(r: ProtoReader): ExampleFeature {
  let feature: ExampleFeature = { kind: 'none', values: [] };
  while (r.next()) {
    if (r.wire !== WIRE_BYTES || r.field < 1 || r.field > 3) {
      r.skip();
      continue;
    }
    const list = r.message();
    if (r.field === 1) feature = { kind: 'bytes', values: readBytesList(list) };
    else if (r.field === 2) feature = { kind: 'float', values: readFloatList(list) };
    else feature = { kind: 'int64', values: readInt64List(list) };
  }
  return feature;
}

function readBytesList(r: ProtoReader): Uint8Array[] {
  const values: Uint8Array[] = [];
  while (r.next()) {
    if (r.field === 1 && r.wire === WIRE_BYTES) values.push(r.bytes());
    else r.skip();
  }
  return values;
}

function readFloatList(r: ProtoReader): Float32Array {
  const parts: (Float32Array | number)[] = [];
  while (r.next()) {
    if (r.field !== 1) r.skip();
    else if (r.wire === WIRE_BYTES) {
      const [start, end] = r.span();
      if ((end - start) % 4 !== 0) {
        throw new ProtoDecodeError(
          `protobuf: packed float list of ${end - start} bytes (not a multiple of 4)`,
        );
      }
      parts.push(packedFloats(r.buf, start, end));
    } else parts.push(r.float());
  }
  // One packed run is what TF writes: hand it over without another copy.
  if (parts.length === 1 && typeof parts[0] !== 'number') return parts[0]!;
  return Float32Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : Array.from(p))));
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The little-endian floats in `buf[start, end)`, copied byte for byte where the platform allows. */
function packedFloats(buf: Uint8Array, start: number, end: number): Float32Array {
  // A copy with its own buffer (a Node Buffer's slice would share the pool's).
  if (LITTLE_ENDIAN) return new Float32Array(new Uint8Array(buf.subarray(start, end)).buffer);
  const view = new DataView(buf.buffer, buf.byteOffset + start, end - start);
  return Float32Array.from({ length: (end - start) / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function readInt64List(r: ProtoReader): BigInt64Array {
  const values: bigint[] = [];
  while (r.next()) {
    if (r.field !== 1) r.skip();
    else if (r.wire === WIRE_BYTES) {
      const [start, end] = r.span();
      const sub = new ProtoReader(r.buf, start, end);
      while (sub.pos < end) values.push(sub.int64Big());
    } else values.push(r.int64Big());
  }
  return BigInt64Array.from(values);
}

/**
 * Serializes a `tf.Example` (features in the order given; lists packed as TF writes them).
 *
 * @example
 * encodeExample({
 *   'image/encoded': { kind: 'bytes', values: [jpegBytes] },
 *   'image/class/label': { kind: 'int64', values: [3] },
 * });
 */
export function encodeExample(features: Readonly<Record<string, ExampleFeatureInput>>): Uint8Array {
  const w = new ProtoWriter(256);
  w.messageField(1, (fw) => {
    for (const [name, feature] of Object.entries(features)) {
      fw.messageField(1, (entry) => {
        entry.stringField(1, name);
        entry.messageField(2, (f) => writeFeature(f, name, feature));
      });
    }
  });
  return w.finish();
}

function writeFeature(w: ProtoWriter, name: string, feature: ExampleFeatureInput): void {
  switch (feature?.kind) {
    case 'bytes':
      w.messageField(1, (l) => {
        for (const v of feature.values) l.bytesField(1, typeof v === 'string' ? text.encode(v) : v);
      });
      return;
    case 'float':
      w.messageField(2, (l) => {
        if (feature.values.length > 0) l.packedFloatField(1, feature.values);
      });
      return;
    case 'int64':
      checkInt64s(name, feature.values);
      w.messageField(3, (l) => {
        if (feature.values.length > 0) l.packedInt64Field(1, feature.values);
      });
      return;
    default:
      throw new ExampleError(
        `encodeExample: expected feature '${name}' of kind 'bytes', 'float' or 'int64', got ${JSON.stringify((feature as { kind?: unknown } | undefined)?.kind)}. Pass { kind: 'int64', values: [...] }.`,
      );
  }
}

function checkInt64s(name: string, values: ArrayLike<number | bigint>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (typeof v === 'number' && !Number.isSafeInteger(v)) {
      throw new ExampleError(
        `encodeExample: expected feature '${name}' int64 values safe integers or bigints, got ${v} at index ${i}. Round it, or pass a bigint.`,
      );
    }
  }
}
