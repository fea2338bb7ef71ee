// Slices of a tensor (TensorSliceProto) and putting a tensor together from them: V1
// checkpoints store every tensor as slices, V2 bundles store partitioned variables so.

import type { RawTensor, TfDtype } from './dtypes.js';
import { dtypeSize, numElements, viewAs } from './dtypes.js';
import { corrupt } from './errors.js';
import { decodeFields, ProtoError } from './proto.js';

/** One dimension of a slice: `length` undefined means the whole dimension. */
export interface Extent {
  start: number;
  length?: number | undefined;
}

/** A slice's values: raw little-endian bytes (numeric dtypes) or one array per string. */
export type SliceData = Uint8Array | Uint8Array[];

/** One stored slice of a tensor. */
export interface SlicePart {
  extents: readonly Extent[];
  data: SliceData;
}

/** Where a problem is, for the errors. */
export interface SliceContext {
  fn: string;
  file: string;
  name: string;
}

/** Decodes a TensorSliceProto {1 extent {1 start, 2 length}}; throws ProtoError. */
export function decodeTensorSlice(bytes: Uint8Array): Extent[] {
  const out: Extent[] = [];
  for (const f of decodeFields(bytes)) {
    if (f.field !== 1 || f.wire !== 2) continue;
    const e: Extent = { start: 0 };
    for (const g of decodeFields(f.bytes)) {
      if (g.field === 1 && g.wire === 0) e.start = g.value;
      else if (g.field === 2 && g.wire === 0) e.length = g.value;
    }
    out.push(e);
  }
  return out;
}

/** The shape of slice `extents` of a tensor of shape `full`. */
export function sliceShape(full: readonly number[], extents: readonly Extent[]): number[] {
  return full.map((d, i) => extents[i]?.length ?? d);
}

function describeSlice(extents: readonly Extent[]): string {
  return `[${extents.map((e) => (e.length === undefined ? '-' : `${e.start}:${e.start + e.length}`)).join(',')}]`;
}

/**
 * Checks that `slices` lie inside `shape`, do not overlap, and together cover it exactly, as
 * a readable tensor needs. Throws CheckpointCorruptError naming the tensor.
 */
export function checkSlices(
  shape: readonly number[],
  slices: readonly (readonly Extent[])[],
  ctx: SliceContext,
): void {
  const bad = (expected: string, got: string): never => {
    throw corrupt(ctx.fn, ctx.file, ctx.name, expected, got);
  };
  if (slices.length === 0) bad('at least one slice', 'none');
  let covered = 0;
  for (const s of slices) {
    // TF stores the whole of a scalar, and of any tensor, as a slice of rank 0 or full rank.
    if (s.length !== shape.length && !(s.length === 0 && slices.length === 1)) {
      bad(`slices of rank ${shape.length}`, `${describeSlice(s)} of rank ${s.length}`);
    }
    s.forEach((e, i) => {
      const d = shape[i]!;
      if (e.length === undefined ? e.start !== 0 : e.start + e.length > d) {
        bad(`slices inside the shape [${shape.join(',')}]`, describeSlice(s));
      }
    });
    covered += numElements(sliceShape(shape, s));
  }
  for (let i = 0; i < slices.length; i++)
    for (let j = i + 1; j < slices.length; j++)
      if (overlap(shape, slices[i]!, slices[j]!))
        bad(
          'slices that do not overlap',
          `${describeSlice(slices[i]!)} and ${describeSlice(slices[j]!)}`,
        );
  const total = numElements(shape);
  if (covered !== total) {
    bad(`slices covering all ${total} elements of [${shape.join(',')}]`, `${covered} elements`);
  }
}

function overlap(shape: readonly number[], a: readonly Extent[], b: readonly Extent[]): boolean {
  return shape.every((d, i) => {
    const [s0, l0] = [a[i]?.start ?? 0, a[i]?.length ?? d];
    const [s1, l1] = [b[i]?.start ?? 0, b[i]?.length ?? d];
    return l0 > 0 && l1 > 0 && s0 < s1 + l1 && s1 < s0 + l0;
  });
}

/**
 * Calls `run(dst, src, count)` for each contiguous run of elements of the slice within the
 * row-major full tensor (element offsets).
 */
function forEachRun(
  full: readonly number[],
  extents: readonly Extent[],
  run: (dst: number, src: number, count: number) => void,
): void {
  const shape = sliceShape(full, extents);
  const rank = full.length;
  // Trailing whole dimensions are contiguous with the last partial one.
  let k = rank;
  let runLen = 1;
  while (k > 0 && shape[k - 1] === full[k - 1]) runLen *= full[--k]!;
  if (k > 0) runLen *= shape[--k]!;
  if (runLen === 0 || numElements(shape) === 0) return;
  const strides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1]! * full[i + 1]!;
  const base = extents.reduce(
    (acc, e, i) => acc + (e.length === undefined ? 0 : e.start) * strides[i]!,
    0,
  );
  const idx = new Array<number>(k).fill(0);
  let src = 0;
  for (;;) {
    let dst = base;
    for (let i = 0; i < k; i++) dst += idx[i]! * strides[i]!;
    run(dst, src, runLen);
    src += runLen;
    let i = k - 1;
    while (i >= 0 && ++idx[i]! === shape[i]) idx[i--] = 0;
    if (i < 0) return;
  }
}

/**
 * Moves `bytes` forward inside its own buffer, when there is room after it, so that a
 * typed view of `align`-byte elements needs no copy; otherwise returns it unchanged.
 */
function alignInPlace(bytes: Uint8Array, align: number): Uint8Array {
  const off = bytes.byteOffset % align;
  if (off === 0) return bytes;
  const shift = align - off;
  if (bytes.byteOffset + shift + bytes.length > bytes.buffer.byteLength) return bytes;
  const whole = new Uint8Array(bytes.buffer);
  whole.copyWithin(bytes.byteOffset + shift, bytes.byteOffset, bytes.byteOffset + bytes.length);
  return whole.subarray(bytes.byteOffset + shift, bytes.byteOffset + shift + bytes.length);
}

/**
 * The whole tensor from its slices (already checked with {@link checkSlices}, each part's
 * data of its slice's size). One whole slice is returned without copying: its bytes are
 * moved in place to an aligned offset, so they must not be used again.
 */
export function assembleSlices(
  dtype: TfDtype,
  shape: readonly number[],
  parts: readonly SlicePart[],
  ctx: SliceContext,
): RawTensor {
  const n = numElements(shape);
  for (const p of parts) {
    const want = numElements(sliceShape(shape, p.extents));
    const got = Array.isArray(p.data)
      ? p.data.length
      : p.data.length / Math.max(1, dtypeSize(dtype));
    if (got !== want) {
      throw corrupt(
        ctx.fn,
        ctx.file,
        ctx.name,
        `${want} values in the slice ${describeSlice(p.extents)}`,
        `${got}`,
      );
    }
  }
  if (dtype === 'string') {
    const out = new Array<Uint8Array>(n);
    for (const p of parts) {
      const src = p.data as Uint8Array[];
      forEachRun(shape, p.extents, (dst, s, count) => {
        for (let i = 0; i < count; i++) out[dst + i] = src[s + i]!;
      });
    }
    return { dtype, shape: [...shape], data: out };
  }
  const size = dtypeSize(dtype);
  if (parts.length === 1) {
    const own = parts[0]!.data as Uint8Array;
    // A small tensor in a large block is copied, so that it does not keep the block alive.
    const bytes =
      own.length * 2 < own.buffer.byteLength
        ? own.slice()
        : alignInPlace(own, dtype === 'complex64' ? 4 : size);
    return { dtype, shape: [...shape], data: viewAs(dtype, bytes) } as RawTensor;
  }
  const out = new Uint8Array(n * size);
  for (const p of parts) {
    const src = p.data as Uint8Array;
    forEachRun(shape, p.extents, (dst, s, count) =>
      out.set(src.subarray(s * size, (s + count) * size), dst * size),
    );
  }
  return { dtype, shape: [...shape], data: viewAs(dtype, out) } as RawTensor;
}

/** Wraps a ProtoError from slice decoding as a corrupt-file error. */
export function sliceProtoError(e: unknown, ctx: SliceContext, what: string): Error {
  if (e instanceof ProtoError) return corrupt(ctx.fn, ctx.file, ctx.name, what, e.message);
  return e as Error;
}
