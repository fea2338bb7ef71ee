#!/usr/bin/env node
// tfslim-events: the tags, steps and last values of event files, for users without TensorBoard.
// Usage: tfslim-events [summary] <logdir|file> [--json]
import { dirname, relative } from 'node:path';
import { EventFileCorruptError, type EventFileTruncatedError } from './errors.js';
import { listEventFiles, readEvents } from './read-events.js';
import { formatSummary, formatValue, summarizeEvents, type FileSummary } from './summarize.js';
import type { EventRecord } from './types.js';
import { TfslimError } from '@tfslim/errors';

const USAGE = `Usage: tfslim-events <logdir|event file> [--json]
       tfslim-events summary <logdir> [--json]

Reads TensorBoard event files without TensorBoard.
  tfslim-events <path>          per event file: every tag's kind, count, step range, last value
  tfslim-events summary <dir>   per run (each directory holding event files): the same, over
                                all of the run's files, with the run's step range and a count
                                of values logged twice at the same step
Options:
  --json       print JSON instead of tables
  -h, --help   print this help`;

class CliError extends TfslimError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

function jsonTags(s: FileSummary): unknown[] {
  return s.tags.map((t) => ({
    tag: t.tag,
    kind: t.kind,
    count: t.count,
    firstStep: t.firstStep,
    lastStep: t.lastStep,
    last: t.kind === 'scalar' ? t.last.value : formatValue(t.last),
  }));
}

/** The events of one file, with the CLI's wording for a file that is not an event file. */
async function* eventsOf(file: string): AsyncGenerator<EventRecord> {
  let n = 0;
  try {
    // A live run's file may end inside the record being written: say so, keep what was read.
    const onTruncated = (t: EventFileTruncatedError): void =>
      console.error(
        `tfslim-events: note: ${file} ends inside a record at byte ${t.offset} (${t.available} of its ${t.needed} bytes: a writer still writing, or killed); showing the records before it.`,
      );
    for await (const e of readEvents(file, { onTruncated })) {
      n++;
      yield e;
    }
  } catch (error) {
    if (error instanceof EventFileCorruptError && error.offset === 0 && n === 0) {
      throw new CliError(
        `tfslim-events: expected a TensorBoard event file, got ${file}, which is not one (its first bytes are not a TFRecord: ${error.reason}). ` +
          'Pass a log directory or an events.out.tfevents.* file.',
      );
    }
    throw error;
  }
  if (n === 0) {
    throw new CliError(
      `tfslim-events: expected a TensorBoard event file, got ${file}, which holds no complete record (not an event file, or one just created). ` +
        'Pass a log directory or an events.out.tfevents.* file.',
    );
  }
}

async function* chain(files: readonly string[]): AsyncGenerator<EventRecord> {
  for (const f of files) yield* eventsOf(f);
}

async function eventFiles(target: string): Promise<string[]> {
  let files: string[];
  try {
    files = await listEventFiles(target);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') {
      throw new CliError(
        `tfslim-events: expected a log directory or an event file, got ${target}, which does not exist. Check the path (relative to ${process.cwd()}).`,
      );
    }
    throw error;
  }
  if (files.length === 0) {
    throw new CliError(
      `tfslim-events: expected event files (names containing "tfevents") under ${target}, found none.`,
    );
  }
  return files;
}

async function perFile(target: string, json: boolean): Promise<void> {
  const report = [];
  for (const file of await eventFiles(target)) {
    const s = await summarizeEvents(eventsOf(file));
    const name = relative(target, file) || file;
    if (json)
      report.push({ file: name, events: s.events, fileVersion: s.fileVersion, tags: jsonTags(s) });
    else console.log(formatSummary(s, name) + '\n');
  }
  if (json) console.log(JSON.stringify(report, null, 2));
}

async function perRun(target: string, json: boolean): Promise<void> {
  const runs = new Map<string, string[]>();
  for (const file of await eventFiles(target)) {
    const run = relative(target, dirname(file)) || '.';
    runs.set(run, [...(runs.get(run) ?? []), file]);
  }
  const report = [];
  for (const [run, files] of [...runs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const s = await summarizeEvents(chain(files));
    const steps = s.tags.flatMap((t) => t.steps);
    const first = steps.length > 0 ? Math.min(...steps) : null;
    const last = steps.length > 0 ? Math.max(...steps) : null;
    const repeated = s.tags.reduce((n, t) => n + t.count - new Set(t.steps).size, 0);
    if (json) {
      report.push({
        run,
        files: files.length,
        events: s.events,
        firstStep: first,
        lastStep: last,
        repeatedSteps: repeated,
        tags: jsonTags(s),
      });
      continue;
    }
    const range =
      first === null ? 'no steps' : first === last ? `step ${first}` : `steps ${first}..${last}`;
    const title =
      `run ${run}: ${files.length} file${files.length === 1 ? '' : 's'}, ${range}` +
      (repeated > 0 ? `, ${repeated} value${repeated === 1 ? '' : 's'} at a repeated step` : '');
    const table = formatSummary(s, title).split('\n');
    console.log(
      [table[0]!.replace(/ {2}\((\d+) events.*\)$/, ', $1 events'), ...table.slice(1)].join('\n') +
        '\n',
    );
  }
  if (json) console.log(JSON.stringify(report, null, 2));
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const json = argv.includes('--json');
  const unknown = argv.find((a) => a.startsWith('-') && a !== '--json');
  if (unknown !== undefined) {
    console.error(
      `tfslim-events: expected --json or --help, got ${JSON.stringify(unknown)}.\n\n${USAGE}`,
    );
    return 2;
  }
  const words = argv.filter((a) => !a.startsWith('-'));
  const summary = words[0] === 'summary';
  const target = summary ? words[1] : words[0];
  if (target === undefined || words.length > (summary ? 2 : 1)) {
    console.error(
      `tfslim-events: expected ${summary ? 'one log directory after summary' : 'one log directory or event file'}, got ${target === undefined ? 'none' : words.length}.\n\n${USAGE}`,
    );
    return 2;
  }
  if (summary) await perRun(target, json);
  else await perFile(target, json);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
