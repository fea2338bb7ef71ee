import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesRoot, haveFixtures, packageRoot, tempDir } from '../test/helpers';
import { formatSummary, formatValue, summarizeEvents } from './summarize';
import type { EventRecord } from './types';
import { SummaryWriter } from './writer';

const cli = join(packageRoot, 'dist', 'cli.js');
const built = existsSync(cli);
if (!built) console.warn('summary CLI tests: skipped, run `npx tsup` in packages/summary first');

describe('summarizeEvents / formatSummary', () => {
  it('groups values by tag with steps and the last value', async () => {
    const ev = (step: number, values: EventRecord['values']): EventRecord => ({
      wallTime: 0,
      step,
      values,
      offset: 0,
    });
    const s = await summarizeEvents([
      { wallTime: 0, step: 0, fileVersion: 'brain.Event:2', values: [], offset: 0 },
      ev(1, [{ tag: 'loss', kind: 'scalar', value: 2 }]),
      ev(2, [
        { tag: 'loss', kind: 'scalar', value: 0.125 },
        { tag: 'note', kind: 'text', value: 'hi' },
      ]),
      ev(3, [{ tag: 'w', kind: 'histogram', value: [{ left: -1, right: 1, count: 4 }] }]),
    ]);
    expect(s.events).toBe(4);
    expect(s.fileVersion).toBe('brain.Event:2');
    expect(
      s.tags.map((t) => [t.tag, t.kind, t.count, t.firstStep, t.lastStep, formatValue(t.last)]),
    ).toEqual([
      ['loss', 'scalar', 2, 1, 2, '0.125'],
      ['note', 'text', 1, 2, 2, '"hi"'],
      ['w', 'histogram', 1, 3, 3, '1 buckets, n=4, [-1, 1]'],
    ]);
    expect(formatSummary(s, 'f').split('\n')).toEqual([
      'f  (4 events, brain.Event:2)',
      '  tag   kind       count  steps  last',
      '  loss  scalar         2  1..2   0.125',
      '  note  text           1  2      "hi"',
      '  w     histogram      1  3      1 buckets, n=4, [-1, 1]',
    ]);
  });
});

(built ? describe : describe.skip)('tfslim-events CLI (built)', () => {
  (haveFixtures ? it : it.skip)(
    'prints tags, steps and last values of a TF-written log directory',
    () => {
      const out = execFileSync(
        process.execPath,
        [cli, join(fixturesRoot, 'tfevents_tf2_scalar_my_metric')],
        {
          encoding: 'utf8',
        },
      );
      expect(out).toMatch(
        /events\.out\.tfevents\.1585499054\.\S+ {2}\(101 events, brain\.Event:2\)/,
      );
      expect(out).toMatch(/ {2}my_metric +scalar +100 +0\.\.99 +49\.5\n/);
    },
  );

  it('prints JSON for our own files, and fails clearly without event files', async () => {
    const dir = tempDir();
    const w = new SummaryWriter(join(dir, 'train'));
    w.scalar('acc', 0.5, 10);
    w.text('cfg', 'lr=0.1', 0);
    await w.close();
    const report = JSON.parse(
      execFileSync(process.execPath, [cli, dir, '--json'], { encoding: 'utf8' }),
    );
    expect(report).toHaveLength(1);
    expect(report[0].file).toMatch(/^train\/events\.out\.tfevents\./);
    expect(report[0].tags).toEqual([
      { tag: 'acc', kind: 'scalar', count: 1, firstStep: 10, lastStep: 10, last: 0.5 },
      { tag: 'cfg', kind: 'text', count: 1, firstStep: 0, lastStep: 0, last: '"lr=0.1"' },
    ]);
    const empty = spawnSync(process.execPath, [cli, tempDir()], { encoding: 'utf8' });
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(
      /expected event files \(names containing "tfevents"\) under .*, found none/,
    );
    expect(spawnSync(process.execPath, [cli], { encoding: 'utf8' }).status).toBe(2);
  });
});
