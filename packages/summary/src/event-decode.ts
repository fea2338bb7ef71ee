// Event (event.proto) -> EventRecord: legacy summary values and TF2 tensor summaries normalised
// to one shape, the way TensorBoard's data_compat.py does.
import type { HistogramBucket } from './histogram.js';
import { ProtoReader } from '@tfslim/wire-formats';
import { decodeTensorProto, type DecodedTensor } from './tensor-proto.js';
import type { EventRecord, SummaryValue } from './types.js';

const utf8 = new TextDecoder('utf-8');

/**
 * State shared by the events of one file: TF writes a value's metadata only with the first
 * value of each tag, so later values find their plugin here.
 */
export type TagPlugins = Map<string, string>;

function pluginName(r: ProtoReader): string | undefined {
  let name: string | undefined;
  while (r.next()) {
    if (r.field === 1) {
      const p = r.message();
      while (p.next()) {
        if (p.field === 1) name = p.string();
        else p.skip();
      }
    } else r.skip();
  }
  return name;
}

function legacyHistogram(r: ProtoReader): HistogramBucket[] {
  let min = 0;
  let max = 0;
  const limits: number[] = [];
  const counts: number[] = [];
  while (r.next()) {
    switch (r.field) {
      case 1:
        min = r.double();
        break;
      case 2:
        max = r.double();
        break;
      case 6:
        r.repeated((x) => x.double(), limits);
        break;
      case 7:
        r.repeated((x) => x.double(), counts);
        break;
      default:
        r.skip();
    }
  }
  // As TensorBoard's data_compat: drop empty buckets at both ends, then replace the outer
  // limits (often -DBL_MAX / DBL_MAX) by the data's min and max.
  let start = 0;
  while (start < counts.length && !(counts[start]! > 0)) start++;
  let end = counts.length - 1;
  while (end >= 0 && !(counts[end]! > 0)) end--;
  const out: HistogramBucket[] = [];
  for (let i = start; i <= end; i++) {
    out.push({
      left: i === start ? min : limits[i - 1]!,
      right: i === end ? max : limits[i]!,
      count: counts[i]!,
    });
  }
  return out;
}

function legacyImage(r: ProtoReader): { width: number; height: number; images: Uint8Array[] } {
  let width = 0;
  let height = 0;
  const images: Uint8Array[] = [];
  while (r.next()) {
    if (r.field === 1) height = r.varint();
    else if (r.field === 2) width = r.varint();
    else if (r.field === 4) images.push(r.bytes());
    else r.skip();
  }
  return { width, height, images };
}

function fromTensor(tag: string, plugin: string | undefined, t: DecodedTensor): SummaryValue {
  const withPlugin = plugin === undefined ? {} : { plugin };
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (plugin === 'scalars' && size === 1 && t.values.length === 1) {
    return { tag, kind: 'scalar', value: t.values[0]!, ...withPlugin };
  }
  if (plugin === 'histograms' && t.shape.length === 2 && t.shape[1] === 3 && !t.strings) {
    const buckets: HistogramBucket[] = [];
    for (let i = 0; i < t.shape[0]!; i++) {
      buckets.push({
        left: t.values[3 * i]!,
        right: t.values[3 * i + 1]!,
        count: t.values[3 * i + 2]!,
      });
    }
    return { tag, kind: 'histogram', value: buckets, ...withPlugin };
  }
  if (plugin === 'images' && t.strings && t.strings.length >= 2) {
    const [w, h, ...images] = t.strings;
    return {
      tag,
      kind: 'image',
      value: { width: Number(utf8.decode(w)), height: Number(utf8.decode(h)), images },
      ...withPlugin,
    };
  }
  if (plugin === 'text' && t.strings) {
    const texts = t.strings.map((s) => utf8.decode(s));
    return {
      tag,
      kind: 'text',
      value: t.shape.length === 0 ? (texts[0] ?? '') : texts,
      ...withPlugin,
    };
  }
  return { tag, kind: 'tensor', value: t, ...withPlugin };
}

function decodeValue(r: ProtoReader, plugins: TagPlugins): SummaryValue | undefined {
  let tag = '';
  let plugin: string | undefined;
  let simple: number | undefined;
  let histo: HistogramBucket[] | undefined;
  let image: ReturnType<typeof legacyImage> | undefined;
  let audio: Uint8Array | undefined;
  let tensor: DecodedTensor | undefined;
  while (r.next()) {
    switch (r.field) {
      case 1:
        tag = r.string();
        break;
      case 2:
        simple = r.float();
        break;
      case 4:
        image = legacyImage(r.message());
        break;
      case 5:
        histo = legacyHistogram(r.message());
        break;
      case 6: {
        const a = r.message();
        while (a.next()) {
          if (a.field === 6) audio = a.bytes();
          else a.skip();
        }
        break;
      }
      case 8:
        tensor = decodeTensorProto(r.message());
        break;
      case 9:
        plugin = pluginName(r.message());
        break;
      default:
        r.skip();
    }
  }
  if (plugin !== undefined && plugin !== '') plugins.set(tag, plugin);
  else plugin = plugins.get(tag);
  const withPlugin = plugin === undefined ? {} : { plugin };
  if (simple !== undefined) return { tag, kind: 'scalar', value: simple, ...withPlugin };
  if (histo !== undefined) return { tag, kind: 'histogram', value: histo, ...withPlugin };
  if (image !== undefined) return { tag, kind: 'image', value: image, ...withPlugin };
  if (audio !== undefined) {
    return {
      tag,
      kind: 'tensor',
      value: { dtype: 'string', shape: [1], values: new Float64Array(0), strings: [audio] },
      plugin: plugin ?? 'audio',
    };
  }
  if (tensor !== undefined) return fromTensor(tag, plugin, tensor);
  return undefined;
}

/**
 * Decodes one serialized `Event`. `plugins` carries per-tag plugin names between the events
 * of one file (pass the same Map for every event of a file). Throws `ProtoDecodeError` on
 * malformed bytes.
 *
 * @example
 * const plugins = new Map();
 * for (const payload of payloads) events.push(decodeEvent(payload, plugins));
 */
export function decodeEvent(
  payload: Uint8Array,
  plugins: TagPlugins = new Map(),
  offset = 0,
): EventRecord {
  const r = new ProtoReader(payload);
  let wallTime = 0;
  let step = 0;
  let fileVersion: string | undefined;
  const values: SummaryValue[] = [];
  while (r.next()) {
    switch (r.field) {
      case 1:
        wallTime = r.double();
        break;
      case 2:
        step = r.int64();
        break;
      case 3:
        fileVersion = r.string();
        break;
      case 5: {
        const s = r.message();
        while (s.next()) {
          if (s.field === 1) {
            const v = decodeValue(s.message(), plugins);
            if (v) values.push(v);
          } else s.skip();
        }
        break;
      }
      default:
        r.skip();
    }
  }
  return fileVersion === undefined
    ? { wallTime, step, values, offset }
    : { wallTime, step, fileVersion, values, offset };
}
