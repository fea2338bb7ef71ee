// Event payloads as TensorFlow 2 writes them (field order and defaults included), so that a
// scalar event is byte-identical to one written by `tf.summary.scalar`.
import { ProtoWriter } from '@tfslim/wire-formats';
import { DT_DOUBLE, DT_FLOAT, DT_STRING, writeTensorProto } from './tensor-proto.js';

/** The `file_version` of every event file's first record. */
export const FILE_VERSION = 'brain.Event:2';

const utf8 = new TextEncoder();

function eventHead(w: ProtoWriter, wallTime: number, step: number): void {
  w.doubleField(1, wallTime);
  // proto3: a zero step is omitted, as TensorFlow does.
  if (step !== 0) w.varintField(2, step);
}

/**
 * The first event of a file: `{wall_time, file_version: "brain.Event:2"}`.
 *
 * @example
 * frameRecord(encodeFileVersionEvent(Date.now() / 1000));
 */
export function encodeFileVersionEvent(wallTime: number): Uint8Array {
  const w = new ProtoWriter(32);
  w.doubleField(1, wallTime);
  w.stringField(3, FILE_VERSION);
  return w.finish();
}

/**
 * An event holding one tensor summary value: `Summary{Value{tag, tensor, metadata{plugin_data
 * {plugin_name}}}}`. `content` is raw little-endian tensor bytes, or the elements of a
 * string tensor.
 *
 * @example
 * encodeTensorEvent(t, 3, 'loss', 'scalars', DT_FLOAT, [], float32Bytes);
 */
export function encodeTensorEvent(
  wallTime: number,
  step: number,
  tag: string | Uint8Array,
  plugin: string,
  dtype: number,
  shape: readonly number[],
  content: Uint8Array | readonly Uint8Array[],
  w: ProtoWriter = new ProtoWriter(64),
): Uint8Array {
  eventHead(w, wallTime, step);
  w.messageField(5, (summary) =>
    summary.messageField(1, (value) => {
      value.bytesField(1, typeof tag === 'string' ? utf8.encode(tag) : tag);
      value.messageField(8, (t) => writeTensorProto(t, dtype, shape, content));
      value.messageField(9, (m) => m.messageField(1, (p) => p.stringField(1, plugin)));
    }),
  );
  return w.finish();
}

const scratch = new DataView(new ArrayBuffer(8));

/**
 * A TF2 scalar: a rank-0 DT_FLOAT tensor with plugin `scalars` (value rounded to float32).
 *
 * @example
 * encodeScalarEvent(Date.now() / 1000, 10, 'loss', 0.25);
 */
export function encodeScalarEvent(
  wallTime: number,
  step: number,
  tag: string | Uint8Array,
  value: number,
): Uint8Array {
  scratch.setFloat32(0, value, true);
  const content = new Uint8Array(scratch.buffer.slice(0, 4));
  return encodeTensorEvent(wallTime, step, tag, 'scalars', DT_FLOAT, [], content);
}

/**
 * A TF2 histogram: a DT_DOUBLE tensor `[k, 3]` of (left edge, right edge, count) rows with
 * plugin `histograms`.
 *
 * @example
 * encodeHistogramEvent(t, step, 'w', histogramBuckets(values));
 */
export function encodeHistogramEvent(
  wallTime: number,
  step: number,
  tag: string,
  buckets: readonly { left: number; right: number; count: number }[],
): Uint8Array {
  const content = new Uint8Array(buckets.length * 24);
  const view = new DataView(content.buffer);
  buckets.forEach((b, i) => {
    view.setFloat64(i * 24, b.left, true);
    view.setFloat64(i * 24 + 8, b.right, true);
    view.setFloat64(i * 24 + 16, b.count, true);
  });
  return encodeTensorEvent(
    wallTime,
    step,
    tag,
    'histograms',
    DT_DOUBLE,
    [buckets.length, 3],
    content,
  );
}

/**
 * A TF2 text summary: a rank-0 DT_STRING tensor with plugin `text`.
 *
 * @example
 * encodeTextEvent(t, 0, 'notes', 'learning rate halved');
 */
export function encodeTextEvent(
  wallTime: number,
  step: number,
  tag: string,
  text: string,
): Uint8Array {
  return encodeTensorEvent(wallTime, step, tag, 'text', DT_STRING, [], [utf8.encode(text)]);
}

/**
 * A TF2 image summary: a DT_STRING tensor `[2 + k]` = (width, height, k encoded images) with
 * plugin `images`.
 *
 * @example
 * encodeImageEvent(t, step, 'sample', 28, 28, [png]);
 */
export function encodeImageEvent(
  wallTime: number,
  step: number,
  tag: string,
  width: number,
  height: number,
  images: readonly Uint8Array[],
): Uint8Array {
  const strings = [utf8.encode(String(width)), utf8.encode(String(height)), ...images];
  return encodeTensorEvent(wallTime, step, tag, 'images', DT_STRING, [strings.length], strings);
}
