// Per-tag digest of an event stream: what `tfslim-events` prints.
import type { EventRecord, SummaryKind, SummaryValue } from './types.js';

/**
 * One tag of an event file: how many values, their step range, and the last value.
 *
 * @example
 * const s = await summarizeEvents(readEvents(file)); s.tags[0].last;
 */
export interface TagSummary {
  readonly tag: string;
  readonly kind: SummaryKind;
  readonly count: number;
  readonly firstStep: number;
  readonly lastStep: number;
  readonly steps: readonly number[];
  readonly last: SummaryValue;
}

/**
 * Digest of one event file.
 *
 * @example
 * console.log(formatSummary(await summarizeEvents(readEvents(file)), file));
 */
export interface FileSummary {
  readonly events: number;
  readonly fileVersion?: string;
  readonly tags: readonly TagSummary[];
}

/**
 * Reads an event stream and groups its values by tag (in order of first appearance).
 *
 * @example
 * const summary = await summarizeEvents(readEvents('logs/events.out.tfevents.1.host'));
 */
export async function summarizeEvents(
  events: AsyncIterable<EventRecord> | Iterable<EventRecord>,
): Promise<FileSummary> {
  const tags = new Map<string, { kind: SummaryKind; steps: number[]; last: SummaryValue }>();
  let count = 0;
  let fileVersion: string | undefined;
  for await (const e of events) {
    count++;
    if (e.fileVersion !== undefined && fileVersion === undefined) fileVersion = e.fileVersion;
    for (const v of e.values) {
      const t = tags.get(v.tag);
      if (t === undefined) tags.set(v.tag, { kind: v.kind, steps: [e.step], last: v });
      else {
        t.steps.push(e.step);
        t.last = v;
      }
    }
  }
  const list: TagSummary[] = [...tags].map(([tag, t]) => ({
    tag,
    kind: t.kind,
    count: t.steps.length,
    firstStep: t.steps[0]!,
    lastStep: t.steps[t.steps.length - 1]!,
    steps: t.steps,
    last: t.last,
  }));
  return fileVersion === undefined
    ? { events: count, tags: list }
    : { events: count, fileVersion, tags: list };
}

function num(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const s = x.toPrecision(6);
  return s.includes('e') ? s : String(Number(s));
}

/**
 * Short text for a value: the number of a scalar, a histogram's bucket count, total and range,
 * an image's size, the start of a text.
 *
 * @example
 * formatValue({ tag: 'loss', kind: 'scalar', value: 0.25 }); // '0.25'
 */
export function formatValue(v: SummaryValue): string {
  switch (v.kind) {
    case 'scalar':
      return num(v.value);
    case 'histogram': {
      const b = v.value;
      const n = b.reduce((s, x) => s + x.count, 0);
      return b.length === 0
        ? 'empty'
        : `${b.length} buckets, n=${num(n)}, [${num(b[0]!.left)}, ${num(b[b.length - 1]!.right)}]`;
    }
    case 'image':
      return `${v.value.width}x${v.value.height}, ${v.value.images.length} image(s)`;
    case 'text': {
      const s = typeof v.value === 'string' ? v.value : v.value.join(' | ');
      return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
    }
    case 'tensor': {
      const t = v.value;
      const head = `${t.dtype}[${t.shape.join(',')}]`;
      if (t.strings) return `${head} (${t.strings.reduce((s, x) => s + x.length, 0)} bytes)`;
      const shown = Array.from(t.values.subarray(0, 4), num).join(', ');
      return `${head} ${t.values.length > 4 ? `[${shown}, ...]` : `[${shown}]`}`;
    }
  }
}

/**
 * Table of a file's tags: kind, count, step range, last value.
 *
 * @example
 * console.log(formatSummary(summary, 'logs/train/events.out.tfevents.1.host'));
 */
export function formatSummary(s: FileSummary, title: string): string {
  const head = `${title}  (${s.events} events${s.fileVersion ? `, ${s.fileVersion}` : ''})`;
  if (s.tags.length === 0) return `${head}\n  (no summary values)`;
  const rows = s.tags.map((t) => [
    t.tag,
    t.kind,
    String(t.count),
    t.firstStep === t.lastStep ? String(t.firstStep) : `${t.firstStep}..${t.lastStep}`,
    formatValue(t.last),
  ]);
  const header = ['tag', 'kind', 'count', 'steps', 'last'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    '  ' +
    r
      .map((c, i) =>
        i === 2 ? c.padStart(widths[i]!) : i === r.length - 1 ? c : c.padEnd(widths[i]!),
      )
      .join('  ');
  return [head, line(header), ...rows.map(line)].join('\n');
}
