// tf.io.parse_single_example: a serialized tf.Example to tensors, by a feature spec.
import * as tf from '@tensorflow/tfjs-core';
import { decodeExample, ProtoDecodeError, type ExampleFeature } from '@tfslim/wire-formats';
import { DataError, type Provenance } from './errors.js';
import type { TFRecord } from './tfrecord-dataset.js';

/** A feature's type in the spec: tf.string, tf.int64, tf.float32. */
export type FeatureDtype = 'string' | 'int64' | 'float32';

/** `tf.io.FixedLenFeature`: exactly `prod(shape)` values, or `defaultValue` when missing. */
export interface FixedLenFeature<
  D extends FeatureDtype = FeatureDtype,
  S extends readonly number[] = readonly number[],
> {
  readonly kind: 'fixed';
  readonly shape: S;
  readonly dtype: D;
  /** Used when the example lacks the feature: one value (broadcast) or `prod(shape)` values. */
  readonly defaultValue?: D extends 'string'
    ? string | Uint8Array | ReadonlyArray<string | Uint8Array>
    : number | readonly number[];
}

/** `tf.io.VarLenFeature`: any number of values (the sparse tensor's values, as a 1-D list). */
export interface VarLenFeature<D extends FeatureDtype = FeatureDtype> {
  readonly kind: 'var';
  readonly dtype: D;
}

/** One entry of a feature spec. */
export type FeatureSpec = FixedLenFeature | VarLenFeature;

/**
 * `tf.io.FixedLenFeature(shape, dtype, default_value)`.
 *
 * @example
 * const spec = { 'image/class/label': fixedLen([], 'int64'), 'image/format': fixedLen([], 'string', 'jpeg') };
 */
export function fixedLen<D extends FeatureDtype, const S extends readonly number[]>(
  shape: S,
  dtype: D,
  defaultValue?: FixedLenFeature<D>['defaultValue'],
): FixedLenFeature<D, S> {
  return defaultValue === undefined
    ? { kind: 'fixed', shape, dtype }
    : { kind: 'fixed', shape, dtype, defaultValue };
}

/**
 * `tf.io.VarLenFeature(dtype)`.
 *
 * @example
 * const spec = { 'image/object/bbox/xmin': varLen('float32') };
 */
export function varLen<D extends FeatureDtype>(dtype: D): VarLenFeature<D> {
  return { kind: 'var', dtype };
}

/**
 * What a parsed feature becomes: strings as bytes (`Uint8Array` for a scalar, else an array),
 * float32 as a float32 tensor, int64 as an int32 tensor (checked to fit) or, with
 * `int64: 'bigint'`, a `BigInt64Array`.
 */
export type ParsedFeature<S extends FeatureSpec, I extends Int64As> = S['dtype'] extends 'string'
  ? S extends { kind: 'fixed'; shape: readonly [] }
    ? Uint8Array
    : Uint8Array[]
  : S['dtype'] extends 'int64'
    ? I extends 'bigint'
      ? BigInt64Array
      : tf.Tensor
    : tf.Tensor;

/** How int64 features come out: int32 tensors (default, overflow checked) or BigInt64Array. */
export type Int64As = 'int32' | 'bigint';

/** A parsed example: feature name to value (see {@link ParsedFeature}). */
export type ParsedExample<Spec extends Record<string, FeatureSpec>, I extends Int64As = 'int32'> = {
  [K in keyof Spec]: ParsedFeature<Spec[K], I>;
};

/** Options of {@link parseExample}. */
export interface ParseExampleOptions<I extends Int64As = 'int32'> {
  /** int64 features as `'int32'` tensors (default; values outside int32 throw) or `'bigint'` arrays. */
  int64?: I;
}

const text = new TextEncoder();

/**
 * `tf.io.parse_single_example`: decodes a serialized tf.Example (or a record from
 * {@link tfrecordDataset}, whose file and index then name errors) into the features of `spec`.
 * A missing feature without a default, a list of the wrong kind or length, an int64 beyond
 * int32: {@link DataError} naming the file, record and feature. The tensors returned are the
 * caller's.
 *
 * @example
 * const ex = parseExample(record, {
 *   'image/encoded': fixedLen([], 'string'),
 *   'image/class/label': fixedLen([], 'int64'),
 * });
 * ex['image/class/label']; // int32 scalar tensor
 */
export function parseExample<Spec extends Record<string, FeatureSpec>, I extends Int64As = 'int32'>(
  record: Uint8Array | TFRecord,
  spec: Spec,
  options: ParseExampleOptions<I> = {},
): ParsedExample<Spec, I> {
  const fn = 'parseExample';
  const bytes = record instanceof Uint8Array ? record : record.data;
  const where: Provenance =
    record instanceof Uint8Array ? {} : { file: record.file, recordIndex: record.index };
  let example: Map<string, ExampleFeature>;
  try {
    example = decodeExample(bytes);
  } catch (e) {
    if (!(e instanceof ProtoDecodeError)) throw e;
    throw new DataError(
      fn,
      'BAD_EXAMPLE',
      where,
      'a serialized tf.Example',
      `malformed bytes (${e.message})`,
      'Check the files hold tf.Example records (not tf.SequenceExample or raw data).',
      { cause: e },
    );
  }
  const out: Record<string, unknown> = {};
  try {
    for (const [name, s] of Object.entries(spec)) {
      out[name] = parseFeature(
        example.get(name),
        s,
        { ...where, feature: name },
        options.int64 ?? 'int32',
      );
    }
  } catch (e) {
    for (const v of Object.values(out)) if (v instanceof tf.Tensor) v.dispose();
    throw e;
  }
  return out as ParsedExample<Spec, I>;
}

type Values = Uint8Array[] | Float32Array | BigInt64Array;

function parseFeature(
  feature: ExampleFeature | undefined,
  spec: FeatureSpec,
  where: Provenance,
  int64: Int64As,
): unknown {
  const fn = 'parseExample';
  const want = spec.dtype === 'string' ? 'bytes' : spec.dtype === 'float32' ? 'float' : 'int64';
  let values: Values;
  if (feature === undefined) {
    if (spec.kind === 'var') values = emptyOf(spec.dtype);
    else if (spec.defaultValue !== undefined) values = defaultValues(spec, where);
    else
      throw new DataError(
        fn,
        'MISSING_FEATURE',
        where,
        `the feature (${spec.dtype}, shape [${spec.shape}])`,
        'an example without it',
        'Give it a defaultValue in the spec, or fix the data.',
      );
  } else if (feature.kind === 'none') {
    values = emptyOf(spec.dtype);
  } else if (feature.kind !== want) {
    throw new DataError(
      fn,
      'BAD_FEATURE',
      where,
      `a ${want}_list (spec dtype ${spec.dtype})`,
      `a ${feature.kind}_list`,
      'Fix the dtype in the spec to match what the writer stored.',
    );
  } else {
    values = feature.values;
  }
  const shape = spec.kind === 'fixed' ? [...spec.shape] : [values.length];
  if (spec.kind === 'fixed') {
    const n = shape.reduce((a, b) => a * b, 1);
    if (values.length !== n) {
      throw new DataError(
        fn,
        'BAD_FEATURE',
        where,
        `${n} values (shape [${shape}])`,
        `${values.length}`,
        'Use varLen(dtype) for lists of varying length, or fix the shape.',
      );
    }
  }
  if (spec.dtype === 'string') {
    const list = values as Uint8Array[];
    return spec.kind === 'fixed' && shape.length === 0 ? list[0] : list;
  }
  if (spec.dtype === 'float32') return tf.tensor(values as Float32Array, shape, 'float32');
  const big = values as BigInt64Array;
  if (int64 === 'bigint') return big;
  return tf.tensor(toInt32(big, where), shape, 'int32');
}

function toInt32(values: BigInt64Array, where: Provenance): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < -2147483648n || v > 2147483647n) {
      throw new DataError(
        'parseExample',
        'INT64_OVERFLOW',
        where,
        'int64 values within int32 (tfjs has no int64)',
        `${v} at index ${i}`,
        "Pass { int64: 'bigint' } to get BigInt64Array values.",
      );
    }
    out[i] = Number(v);
  }
  return out;
}

function emptyOf(dtype: FeatureDtype): Values {
  return dtype === 'string' ? [] : dtype === 'float32' ? new Float32Array(0) : new BigInt64Array(0);
}

function defaultValues(spec: FixedLenFeature, where: Provenance): Values {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const d = spec.defaultValue!;
  const list: unknown[] = Array.isArray(d) ? d : [d];
  const filled = list.length === 1 && n !== 1 ? Array.from({ length: n }, () => list[0]) : list;
  if (filled.length !== n) {
    throw new DataError(
      'parseExample',
      'INVALID_ARGUMENT',
      where,
      `a defaultValue of 1 or ${n} values`,
      `${list.length}`,
      'Fix the spec.',
    );
  }
  if (spec.dtype === 'string') {
    return filled.map((v) => (typeof v === 'string' ? text.encode(v) : (v as Uint8Array)));
  }
  if (spec.dtype === 'float32') return Float32Array.from(filled as number[]);
  return BigInt64Array.from((filled as number[]).map((v) => BigInt(v)));
}
