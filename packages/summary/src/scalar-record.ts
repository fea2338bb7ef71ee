// Fast path for TF2 scalar events: a tag's summary bytes built once, each record assembled
// straight into the writer's output buffer.
import { crc32c, maskCrc } from './crc32c.js';
import { encodeTensorEvent } from './event-encode.js';
import { DT_FLOAT } from './tensor-proto.js';

/** Precomputed bytes of one tag's scalar summary (Event field 5), value bytes zeroed. */
export interface ScalarTemplate {
  readonly summary: Uint8Array;
  /** Offset of the 4 float32 value bytes inside `summary`. */
  readonly valueAt: number;
}

/** Builds the template from the generic encoder, so both paths give identical bytes. */
export function scalarTemplate(tag: string): ScalarTemplate {
  // wall_time 0 still writes its 9 bytes; step 0 is omitted: the summary starts at byte 9.
  const summary = encodeTensorEvent(0, 0, tag, 'scalars', DT_FLOAT, [], new Uint8Array(4)).slice(9);
  // Locate the value bytes by encoding a second time with different ones.
  const marked = encodeTensorEvent(
    0,
    0,
    tag,
    'scalars',
    DT_FLOAT,
    [],
    new Uint8Array(4).fill(0xff),
  ).slice(9);
  let valueAt = 0;
  while (summary[valueAt] === marked[valueAt]) valueAt++;
  return { summary, valueAt };
}

function varintLength(v: number): number {
  if (v < 0) return 10;
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Size of the framed record for `step`. */
export function scalarRecordSize(t: ScalarTemplate, step: number): number {
  return 16 + 9 + (step === 0 ? 0 : 1 + varintLength(step)) + t.summary.length;
}

/**
 * Writes the framed scalar record at `out[at]` (room checked by the caller); returns the end.
 * `view` is a DataView over `out`.
 */
export function writeScalarRecord(
  out: Uint8Array,
  view: DataView,
  at: number,
  t: ScalarTemplate,
  wallTime: number,
  step: number,
  value: number,
): number {
  const payloadLength = scalarRecordSize(t, step) - 16;
  view.setUint32(at, payloadLength, true);
  view.setUint32(at + 4, 0, true);
  view.setUint32(at + 8, maskCrc(crc32c(out, at, at + 8)), true);
  let p = at + 12;
  const start = p;
  out[p++] = 0x09;
  view.setFloat64(p, wallTime, true);
  p += 8;
  if (step !== 0) {
    out[p++] = 0x10;
    let lo = step >>> 0;
    let hi = Math.floor(step / 4294967296) >>> 0;
    while (hi !== 0 || lo > 0x7f) {
      out[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    out[p++] = lo;
  }
  out.set(t.summary, p);
  view.setFloat32(p + t.valueAt, value, true);
  p += t.summary.length;
  view.setUint32(p, maskCrc(crc32c(out, start, p)), true);
  return p + 4;
}
