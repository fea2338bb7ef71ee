import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect, fixturesRoot, haveFixtures, tempDir } from '../test/helpers';
import { EventFileCorruptError } from './errors';
import { decodeEvents } from './eventFile';
import { listEventFiles, readEvents } from './readEvents';
import { SummaryWriter } from './writer';

async function sampleFile(): Promise<string> {
  const w = new SummaryWriter(tempDir());
  for (let i = 0; i < 20; i++) {
    w.scalar('s', i / 2, i);
    w.histogram('h', [i, i + 1, i + 3], i, { buckets: 3 });
    w.image('img', { shape: [8, 8, 3], data: new Uint8Array(192).fill(i) }, i);
    w.text('t', `step ${i}`, i);
  }
  await w.close();
  return w.file;
}

describe('readEvents', () => {
  it('streams the same events whatever the read chunk size', async () => {
    const file = await sampleFile();
    const whole = [...decodeEvents(new Uint8Array(readFileSync(file)), file)];
    expect(whole).toHaveLength(81);
    for (const chunkSize of [1, 7, 100, 1 << 20]) {
      expect(await collect(readEvents(file, { chunkSize }))).toEqual(whole);
    }
  });

  it('stops cleanly at a truncated last record and reads every complete one', async () => {
    const file = await sampleFile();
    const all = await collect(readEvents(file));
    const size = readFileSync(file).length;
    for (const cut of [size - 1, size - 5, all[50]!.offset + 3, all[50]!.offset, 11, 0]) {
      const copy = join(tempDir(), 'events.out.tfevents.cut');
      writeFileSync(copy, readFileSync(file));
      truncateSync(copy, cut);
      const got = await collect(readEvents(copy, { chunkSize: 64 }));
      const complete = all.filter((e, i) => (all[i + 1]?.offset ?? size) <= cut);
      expect(got).toEqual(complete);
    }
  });

  it('throws EventFileCorruptError with file and offset for a damaged record', async () => {
    const file = await sampleFile();
    const all = await collect(readEvents(file));
    const bytes = readFileSync(file);
    bytes[all[30]!.offset + 14]! ^= 0xff;
    const bad = join(tempDir(), 'events.out.tfevents.bad');
    writeFileSync(bad, bytes);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const e of readEvents(bad)) seen.push(e.offset);
      })(),
    ).rejects.toMatchObject({ name: 'EventFileCorruptError', file: bad, offset: all[30]!.offset });
    expect(seen).toEqual(all.slice(0, 30).map((e) => e.offset));
    await expect(collect(readEvents(bad))).rejects.toBeInstanceOf(EventFileCorruptError);
  });

  it('rejects a directory and a missing file clearly', async () => {
    const dir = tempDir();
    await expect(collect(readEvents(dir))).rejects.toThrow(
      /expected an event file, got the directory/,
    );
    await expect(collect(readEvents(join(dir, 'nope')))).rejects.toThrow(/ENOENT/);
  });

  it('listEventFiles finds event files recursively, sorted', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'train'));
    mkdirSync(join(dir, 'validation'));
    writeFileSync(join(dir, 'validation', 'events.out.tfevents.2.h'), '');
    writeFileSync(join(dir, 'train', 'events.out.tfevents.1.h'), '');
    writeFileSync(join(dir, 'train', 'notes.txt'), '');
    expect(await listEventFiles(dir)).toEqual([
      join(dir, 'train', 'events.out.tfevents.1.h'),
      join(dir, 'validation', 'events.out.tfevents.2.h'),
    ]);
    expect(await listEventFiles(join(dir, 'train', 'events.out.tfevents.1.h'))).toHaveLength(1);
  });

  (haveFixtures ? it : it.skip)('lists the fixture event files', async () => {
    const files = await listEventFiles(fixturesRoot);
    expect(files.filter((f) => f.includes('tfevents_'))).toHaveLength(9);
  });
});
