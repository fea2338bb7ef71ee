// Partitioned variables in V2 bundles: the slices listed under the full name, read and joined
// whole as TF's `load_checkpoint(...).get_tensor(name)` does.

import type { Entry } from './checkpoint-reader.js';
import type { RawTensor } from './dtypes.js';
import { bytesOf, tfEnumName } from './dtypes.js';
import { corrupt, unsupportedDtype } from './errors.js';
import { encodeTensorNameSlice } from './ordered-code.js';
import type { Extent, SliceContext, SlicePart } from './tensor-slice.js';
import {
  assembleSlices,
  checkSlices,
  decodeTensorSlice,
  sliceProtoError,
  sliceShape,
} from './tensor-slice.js';

/** Slice entries by {@link sliceEntryKey} of their table key. */
export type SliceEntries = Map<string, Entry>;

/** A slice key's bytes as a map key (one char per byte). */
export function sliceEntryKey(key: Uint8Array): string {
  let s = '';
  for (const b of key) s += String.fromCharCode(b);
  return s;
}

function label(name: string, extents: readonly Extent[]): string {
  const dims = extents.map((x) =>
    x.length === undefined ? ':' : `${x.start}:${x.start + x.length}`,
  );
  return `${name}[${dims.join(',')}]`;
}

/**
 * Reads every slice of the partitioned variable `e` with `readEntry` (CRC-checked as any
 * tensor) and puts the full tensor together.
 */
export async function readPartitioned(
  e: Entry,
  sliceEntries: SliceEntries,
  indexPath: string,
  fn: string,
  readEntry: (slice: Entry, label: string) => Promise<RawTensor>,
): Promise<RawTensor> {
  const ctx: SliceContext = { fn, file: indexPath, name: e.name };
  const dtype = e.dtype;
  if (dtype === undefined) {
    throw unsupportedDtype(fn, indexPath, e.name, tfEnumName(e.dtypeId), e.dtypeId);
  }
  let slices: Extent[][];
  try {
    slices = e.slices.map(decodeTensorSlice);
  } catch (err) {
    throw sliceProtoError(err, ctx, 'well-formed TensorSliceProto slices');
  }
  checkSlices(e.shape, slices, ctx);
  const nameBytes = new TextEncoder().encode(e.name);
  const parts: SlicePart[] = [];
  for (const extents of slices) {
    const key = sliceEntryKey(encodeTensorNameSlice(nameBytes, extents));
    const s = sliceEntries.get(key);
    const shape = sliceShape(e.shape, extents);
    if (s === undefined) {
      throw corrupt(
        fn,
        indexPath,
        e.name,
        `an entry for the slice ${label(e.name, extents)}`,
        'none',
      );
    }
    if (s.dtypeId !== e.dtypeId || s.shape.join(',') !== shape.join(',')) {
      throw corrupt(
        fn,
        indexPath,
        e.name,
        `the slice ${label(e.name, extents)} as ${tfEnumName(e.dtypeId)} [${shape.join(',')}]`,
        `${tfEnumName(s.dtypeId)} [${s.shape.join(',')}]`,
      );
    }
    const raw = await readEntry(s, label(e.name, extents));
    parts.push({ extents, data: raw.dtype === 'string' ? raw.data : bytesOf(raw.data) });
  }
  return assembleSlices(dtype, e.shape, parts, ctx);
}
