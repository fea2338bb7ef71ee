// A `node` process writing in a loop is SIGKILLed mid-run: every complete record of its file
// reads back in order (uses the built package).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { collect, onlyEventFile, packageRoot, tempDir } from '../test/helpers';
import { readEvents } from './read-events';

const dist = join(packageRoot, 'dist', 'index.js');
const built = existsSync(dist);
if (!built) console.warn('summary crash test: skipped, run `npx tsup` in packages/summary first');

const child = (logdir: string) => `
import { SummaryWriter } from ${JSON.stringify(pathToFileURL(dist).href)};
const w = new SummaryWriter(${JSON.stringify(logdir)}, { maxQueue: 7, flushMillis: 5 });
const pixels = new Uint8Array(32 * 32 * 3);
for (let step = 0; ; step++) {
  w.scalar('x', step * 0.5, step);
  w.histogram('h', [step, step + 1, step + 1.5, step + 4], step, { buckets: 4 });
  if (step % 10 === 0) w.image('img', { shape: [32, 32, 3], data: pixels.fill(step & 255) }, step);
  w.text('t', 'step ' + step, step);
  if (step % 50 === 0) {
    await new Promise((r) => setImmediate(r));
    // Steps 0-500 (over 1500 events) are on disk before the test is told to go on, however
    // slow the machine; the writer keeps writing until the kill.
    if (step === 500) {
      await w.flush();
      console.log('running');
    }
  }
}
`;

(built ? describe : describe.skip)('crash safety (built package, plain node)', () => {
  it('a writer killed mid-write leaves a file whose complete records all read back', async () => {
    const dir = tempDir();
    const script = join(dir, 'writer.mjs');
    const logdir = join(dir, 'logs');
    writeFileSync(script, child(logdir));
    const proc = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', () => resolve());
      proc.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
    });
    // Let it write some more, then kill it without warning.
    await new Promise((r) => setTimeout(r, 150));
    proc.kill('SIGKILL');
    await new Promise((r) => proc.on('exit', r));

    const file = onlyEventFile(logdir);
    // The kill may fall inside a record: read on past it with onTruncated, and check that the
    // strict reader reports exactly that spot.
    const cuts: number[] = [];
    const events = await collect(readEvents(file, { onTruncated: (t) => cuts.push(t.offset) }));
    const strict = collect(readEvents(file));
    if (cuts.length === 0) await expect(strict).resolves.toEqual(events);
    else
      await expect(strict).rejects.toMatchObject({
        name: 'EventFileTruncatedError',
        offset: cuts[0],
      });
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    const body = events.slice(1);
    expect(body.length).toBeGreaterThan(500 * 3);
    // Events come in call order: x, h, (img every 10th step), t for steps 0, 1, 2, ...
    let i = 0;
    let step = 0;
    while (i < body.length) {
      const expected: [string, unknown][] = [
        ['x', step * 0.5],
        ['h', [1, 2, 0, 1]], // width 1: offsets 0, 1, 1.5, 4 -> buckets 0, 1, 1, 3
        ...(step % 10 === 0 ? ([['img', step & 255]] as [string, unknown][]) : []),
        ['t', `step ${step}`],
      ];
      for (const [tag, value] of expected) {
        const e = body[i++];
        if (e === undefined) break;
        expect(e.step).toBe(step);
        const v = e.values[0]!;
        expect(v.tag).toBe(tag);
        if (v.kind === 'histogram') expect(v.value.map((b) => b.count)).toEqual(value);
        else if (v.kind === 'image') expect(v.value.width).toBe(32);
        else expect(v.value).toEqual(value);
      }
      step++;
    }
    // Whatever follows the last complete record can only be the start of one more record.
    const bytes = readFileSync(file);
    const last = events[events.length - 1]!;
    const end = last.offset + 16 + Number(bytes.readBigUInt64LE(last.offset));
    const leftover = bytes.length - end;
    expect(leftover).toBeGreaterThanOrEqual(0);
    if (leftover >= 12)
      expect(bytes.length).toBeLessThan(end + 16 + Number(bytes.readBigUInt64LE(end)));
  });

  it('a script that forgets close() still gets its events written when node exits naturally', async () => {
    const dir = tempDir();
    const script = `
      import { SummaryWriter } from ${JSON.stringify(pathToFileURL(dist).href)};
      const w = new SummaryWriter(${JSON.stringify(dir)}, { maxQueue: 1000 });
      for (let i = 0; i < 5; i++) w.scalar('x', i, i);
      w.histogram('h', { shape: [2], data: async () => new Float32Array([1, 2]) }, 5);
    `;
    const proc = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: 'inherit',
    });
    expect(await new Promise((r) => proc.on('exit', r))).toBe(0);
    const events = await collect(readEvents(onlyEventFile(dir)));
    expect(events.slice(1).map((e) => [e.values[0]!.tag, e.step])).toEqual([
      ['x', 0],
      ['x', 1],
      ['x', 2],
      ['x', 3],
      ['x', 4],
      ['h', 5],
    ]);
  });
});
