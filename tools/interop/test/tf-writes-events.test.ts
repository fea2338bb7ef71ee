// TensorFlow writes event files, we read them: tf.summary scalars, histograms, images and
// text, and a Keras TensorBoard(histogram_freq=1) logdir from a tiny model.fit. readEvents
// must give every record TF's summary_iterator gives, with the same step, wall time, tags,
// plugins and values.
import { listEventFiles, readEvents } from '@tfslim/summary';
import type { EventRecord, SummaryValue } from '@tfslim/summary';
import type { Num } from './helpers.js';
import { fromPy, runScript, skipReason, tempDir } from './helpers.js';

const reason = skipReason('TF-written event files');
const maybe = reason === null ? describe : describe.skip;

interface TfTensor {
  dtype: string;
  shape: number[];
  values?: Num[];
  strings?: string[];
}
interface TfValue {
  tag: string;
  plugin: string;
  simple_value?: Num;
  tensor?: TfTensor;
  other?: string;
}
interface TfEvent {
  step: number;
  wall_time: number;
  file_version?: string;
  values: TfValue[];
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** Our value as TensorFlow's TensorProto content: dtype-free numbers or base64 strings. */
function ourContent(v: SummaryValue): { values?: number[]; strings?: string[] } {
  switch (v.kind) {
    case 'scalar':
      return { values: [v.value] };
    case 'histogram':
      return { values: v.value.flatMap((b) => [b.left, b.right, b.count]) };
    case 'image':
      return {
        strings: [
          b64(new TextEncoder().encode(String(v.value.width))),
          b64(new TextEncoder().encode(String(v.value.height))),
          ...v.value.images.map(b64),
        ],
      };
    case 'text':
      return {
        strings: (typeof v.value === 'string' ? [v.value] : v.value).map((s) =>
          b64(new TextEncoder().encode(s)),
        ),
      };
    case 'tensor':
      return v.value.strings !== undefined
        ? { strings: v.value.strings.map(b64) }
        : { values: Array.from(v.value.values) };
  }
}

function compareValue(where: string, ours: SummaryValue, theirs: TfValue): void {
  expect({ where, tag: ours.tag }).toEqual({ where, tag: theirs.tag });
  // TF writes the plugin on a tag's first value only; we remember it per tag.
  if (theirs.plugin !== '')
    expect({ where, plugin: ours.plugin }).toEqual({ where, plugin: theirs.plugin });
  expect(theirs.other).toBeUndefined();
  if (theirs.simple_value !== undefined) {
    expect({ where, kind: ours.kind }).toEqual({ where, kind: 'scalar' });
    expect(ourContent(ours).values).toEqual([fromPy(theirs.simple_value)]);
    return;
  }
  const t = theirs.tensor!;
  const mine = ourContent(ours);
  if (t.strings !== undefined) {
    expect({ where, strings: mine.strings }).toEqual({ where, strings: t.strings });
  } else {
    // toEqual treats NaN as equal to NaN and distinguishes nothing else: exact values.
    expect({ where, values: mine.values }).toEqual({ where, values: t.values!.map(fromPy) });
  }
  if (ours.kind === 'tensor') {
    expect({ where, dtype: ours.value.dtype, shape: ours.value.shape }).toEqual({
      where,
      dtype: t.dtype,
      shape: t.shape,
    });
  }
}

maybe('TensorFlow writes events, tfslim reads', () => {
  const tmp = tempDir('tf-events');
  let files: Record<string, TfEvent[]>;
  const ours = new Map<string, EventRecord[]>();

  beforeAll(async () => {
    files = runScript<{ files: Record<string, TfEvent[]> }>('tf_write_events.py', {
      logdir: tmp.path,
    }).files;
    for (const file of await listEventFiles(tmp.path)) {
      const events: EventRecord[] = [];
      for await (const e of readEvents(file)) events.push(e);
      ours.set(file, events);
    }
  });
  afterAll(() => tmp.remove());

  it('finds the same event files TF wrote (tf.summary, Keras train and validation)', () => {
    expect([...ours.keys()].sort()).toEqual(Object.keys(files).sort());
    expect(
      Object.keys(files)
        .map((f) => f.slice(tmp.path.length + 1).replace(/\/events.*/, ''))
        .sort(),
    ).toEqual(['keras/train', 'keras/validation', 'tf_summary']);
  });

  it('every record: step, wall time, file version, tags, plugins and values', () => {
    let compared = 0;
    const kinds = new Set<string>();
    for (const [file, tfEvents] of Object.entries(files)) {
      const mine = ours.get(file)!;
      expect({ file, records: mine.length }).toEqual({ file, records: tfEvents.length });
      tfEvents.forEach((te, i) => {
        const e = mine[i]!;
        const where = `${file.slice(tmp.path.length)}#${i}`;
        expect({ where, step: e.step, wallTime: e.wallTime, fileVersion: e.fileVersion }).toEqual({
          where,
          step: te.step,
          wallTime: te.wall_time,
          fileVersion: te.file_version,
        });
        expect({ where, n: e.values.length }).toEqual({ where, n: te.values.length });
        te.values.forEach((tv, j) => {
          compareValue(`${where}/${tv.tag}`, e.values[j]!, tv);
          kinds.add(e.values[j]!.kind);
          compared++;
        });
      });
    }
    expect([...kinds].sort()).toEqual(['histogram', 'image', 'scalar', 'tensor', 'text']);
    expect(compared).toBeGreaterThan(30);
  });
});
