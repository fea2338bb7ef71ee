// tfslim-events: summaries of event files and runs, as tables and JSON.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
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

(built ? describe : describe.skip)('tfslim-events: errors, help and the per-run summary', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

  it('says a file that is not an event file is not one (not "damaged")', () => {
    const dir = tempDir();
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'these are my notes, not TensorBoard events\n');
    const r = run(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `tfslim-events: expected a TensorBoard event file, got ${file}, which is not one (its first bytes are not a TFRecord: a length CRC mismatch). Pass a log directory or an events.out.tfevents.* file.`,
    );
    expect(r.stderr).not.toMatch(/damaged|delete/);
    const short = join(dir, 'x.tfevents.1');
    writeFileSync(short, 'tiny');
    const s = run(dir);
    expect(s.status).toBe(1);
    expect(s.stderr).toMatch(/got .*x\.tfevents\.1, which holds no complete record/);
  });

  it('names a missing path', () => {
    const missing = join(tempDir(), 'no-such-logdir');
    for (const args of [[missing], ['summary', missing]]) {
      const r = run(...args);
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(
        `tfslim-events: expected a log directory or an event file, got ${missing}, which does not exist. Check the path (relative to ${process.cwd()}).`,
      );
    }
  });

  it('--help prints usage (exit 0); bad arguments print usage (exit 2)', () => {
    const h = run('--help');
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(
      /^Usage: tfslim-events <logdir\|event file> \[--json\]\n {7}tfslim-events summary <logdir> \[--json\]/,
    );
    expect(run('--bogus').status).toBe(2);
    expect(run('summary').stderr).toMatch(/expected one log directory after summary, got none/);
  });

  it('summary <logdir>: one block per run with tags, step range, last value, counts', async () => {
    const dir = tempDir();
    const a = new SummaryWriter(join(dir, 'A'));
    for (let s = 0; s <= 20; s += 10) a.scalar('loss', 1 / (s + 1), s);
    a.histogram('w', [0, 1, 2, 3], 20, { buckets: 2 });
    await a.close();
    // A second file in run A continuing it, and one value at a step logged twice.
    const a2 = new SummaryWriter(join(dir, 'A'), { filenameSuffix: '.second' });
    a2.scalar('loss', 0.25, 20);
    a2.scalar('loss', 0.125, 30);
    await a2.close();
    const e = new SummaryWriter(join(dir, 'A', 'eval'));
    e.scalar('accuracy', 0.9, 30);
    await e.close();
    const json = run('summary', dir, '--json');
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(report.map((r) => r['run'])).toEqual(['A', join('A', 'eval')]);
    expect(report[0]).toMatchObject({
      files: 2,
      firstStep: 0,
      lastStep: 30,
      repeatedSteps: 1,
      tags: [
        { tag: 'loss', kind: 'scalar', count: 5, firstStep: 0, lastStep: 30, last: 0.125 },
        { tag: 'w', kind: 'histogram', count: 1, firstStep: 20, lastStep: 20 },
      ],
    });
    expect(report[1]).toMatchObject({
      files: 1,
      firstStep: 30,
      lastStep: 30,
      repeatedSteps: 0,
      tags: [{ tag: 'accuracy', count: 1, last: expect.closeTo(0.9, 6) as unknown }],
    });
    const text = run('summary', dir);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(
      /^run A: 2 files, steps 0\.\.30, 1 value at a repeated step, \d+ events\n {2}tag +kind +count +steps +last\n {2}loss +scalar +5 +0\.\.30 +0\.125\n/,
    );
    expect(text.stdout).toMatch(
      /\nrun A\/eval: 1 file, step 30, \d+ events\n.*\n {2}accuracy +scalar +1 +30 +0\.9\n/,
    );
  });
});
