#!/usr/bin/env node
// tfslim-events: prints the tags, steps and last values of the event files under a log
// directory (or of one event file), for users without TensorBoard.
// Usage: tfslim-events <logdir|file> [--json]
import { relative } from 'node:path';
import { listEventFiles, readEvents } from './readEvents.js';
import { formatSummary, formatValue, summarizeEvents } from './summarize.js';

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const target = argv.find((a) => !a.startsWith('--'));
  if (target === undefined || argv.includes('--help') || argv.includes('-h')) {
    console.log('Usage: tfslim-events <logdir|event file> [--json]');
    return target === undefined && !argv.includes('--help') && !argv.includes('-h') ? 2 : 0;
  }
  const files = await listEventFiles(target);
  if (files.length === 0) {
    console.error(
      `tfslim-events: expected event files (names containing "tfevents") under ${target}, found none.`,
    );
    return 1;
  }
  const report = [];
  for (const file of files) {
    const s = await summarizeEvents(readEvents(file));
    const name = relative(target, file) || file;
    if (json) {
      report.push({
        file: name,
        events: s.events,
        fileVersion: s.fileVersion,
        tags: s.tags.map((t) => ({
          tag: t.tag,
          kind: t.kind,
          count: t.count,
          firstStep: t.firstStep,
          lastStep: t.lastStep,
          last: t.kind === 'scalar' ? t.last.value : formatValue(t.last),
        })),
      });
    } else console.log(formatSummary(s, name) + '\n');
  }
  if (json) console.log(JSON.stringify(report, null, 2));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
