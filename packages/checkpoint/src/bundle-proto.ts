// BundleHeaderProto and BundleEntryProto (tensor_bundle.proto), encoded byte for byte as
// TensorFlow's C++ serializer does.

import { ProtoWriter } from '@tfslim/wire-formats';
import { decodeFields, ProtoError } from './proto.js';

export interface BundleHeader {
  numShards: number;
  /** 0 little-endian, 1 big-endian. */
  endianness: number;
  producer: number;
  minConsumer: number;
  badConsumers: number[];
  /** True when field 1 was length-delimited: a V1 SavedTensorSlices message, not a header. */
  looksLikeV1: boolean;
}

export interface BundleEntry {
  dtypeId: number;
  shape: number[];
  shardId: number;
  offset: number;
  size: number;
  /** Masked CRC32C as stored. */
  crc32c: number;
  /** Number of TensorSliceProto entries (partitioned variables). */
  numSlices: number;
  /** The TensorSliceProto bytes of each slice (partitioned variables). */
  slices: Uint8Array[];
}

export function encodeHeader(): Uint8Array {
  // num_shards 1, endianness LITTLE (0, omitted), version {producer 1, min_consumer 0}.
  const w = new ProtoWriter();
  w.varintField(1, 1);
  w.messageField(3, (version) => version.varintField(1, 1));
  return w.finish();
}

export function decodeHeader(bytes: Uint8Array): BundleHeader {
  const h: BundleHeader = {
    numShards: 0,
    endianness: 0,
    producer: 0,
    minConsumer: 0,
    badConsumers: [],
    looksLikeV1: false,
  };
  for (const f of decodeFields(bytes)) {
    if (f.field === 1 && f.wire === 0) h.numShards = f.value;
    else if (f.field === 1 && f.wire === 2) h.looksLikeV1 = true;
    else if (f.field === 2 && f.wire === 0) h.endianness = f.value;
    else if (f.field === 3 && f.wire === 2) {
      for (const v of decodeFields(f.bytes)) {
        if (v.field === 1 && v.wire === 0) h.producer = v.value;
        else if (v.field === 2 && v.wire === 0) h.minConsumer = v.value;
        else if (v.field === 3 && v.wire === 0) h.badConsumers.push(v.value);
      }
    }
  }
  return h;
}

export function encodeEntry(e: Omit<BundleEntry, 'numSlices' | 'slices'>): Uint8Array {
  const w = new ProtoWriter();
  if (e.dtypeId !== 0) w.varintField(1, e.dtypeId);
  w.messageField(2, (shape) => {
    for (const d of e.shape) {
      shape.messageField(2, (dim) => {
        if (d !== 0) dim.varintField(1, d);
      });
    }
  });
  if (e.shardId !== 0) w.varintField(3, e.shardId);
  if (e.offset !== 0) w.varintField(4, e.offset);
  if (e.size !== 0) w.varintField(5, e.size);
  if (e.crc32c !== 0) w.fixed32Field(6, e.crc32c);
  return w.finish();
}

/** Decodes an entry; throws ProtoError (or Error with a reason) on malformed bytes. */
export function decodeEntry(bytes: Uint8Array): BundleEntry {
  const e: BundleEntry = {
    dtypeId: 0,
    shape: [],
    shardId: 0,
    offset: 0,
    size: 0,
    crc32c: 0,
    numSlices: 0,
    slices: [],
  };
  for (const f of decodeFields(bytes)) {
    switch (f.field) {
      case 1:
        if (f.wire === 0) e.dtypeId = f.value;
        break;
      case 2:
        if (f.wire === 2) {
          e.shape = [];
          for (const d of decodeFields(f.bytes)) {
            if (d.field === 2 && d.wire === 2) {
              let size = 0;
              for (const s of decodeFields(d.bytes))
                if (s.field === 1 && s.wire === 0) size = s.value;
              e.shape.push(size);
            } else if (d.field === 3 && d.wire === 0 && d.value !== 0) {
              throw new ProtoError('shape of unknown rank');
            }
          }
        }
        break;
      case 3:
        if (f.wire === 0) e.shardId = f.value;
        break;
      case 4:
        if (f.wire === 0) e.offset = f.value;
        break;
      case 5:
        if (f.wire === 0) e.size = f.value;
        break;
      case 6:
        if (f.wire === 5) e.crc32c = f.value;
        break;
      case 7:
        if (f.wire === 2) {
          e.numSlices++;
          e.slices.push(f.bytes);
        }
        break;
      default:
        break;
    }
  }
  return e;
}
