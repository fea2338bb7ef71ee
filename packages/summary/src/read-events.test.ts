// readEvents: records, damaged and truncated files.
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect, fixturesRoot, haveFixtures, tempDir } from '../test/helpers';
import { crc32c, maskCrc } from './crc32c';
import { EventFileCorruptError, EventFileTruncatedError } from './errors';
import { encodeFileVersionEvent, encodeScalarEvent } from './event-encode';
import { frameRecord } from './record';
import { decodeEvents } from './event-file';
import { listEventFiles, readEvents } from './read-events';
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

  it('a file cut inside a record reads every complete one, then says where it is cut', async () => {
    const file = await sampleFile();
    const all = await collect(readEvents(file));
    const size = readFileSync(file).length;
    for (const cut of [size - 1, size - 5, all[50]!.offset + 3, all[50]!.offset, 11, 0]) {
      const copy = join(tempDir(), 'events.out.tfevents.cut');
      writeFileSync(copy, readFileSync(file));
      truncateSync(copy, cut);
      const complete = all.filter((e, i) => (all[i + 1]?.offset ?? size) <= cut);
      const got: unknown[] = [];
      const strict = (async () => {
        for await (const e of readEvents(copy, { chunkSize: 64 })) got.push(e);
      })();
      const start = all[complete.length]?.offset;
      if (start === undefined || start === cut) {
        await strict; // cut between records: a clean end
      } else {
        await expect(strict).rejects.toBeInstanceOf(EventFileTruncatedError);
        await expect(strict).rejects.toMatchObject({
          file: copy,
          offset: start,
          available: cut - start,
        });
      }
      expect(got).toEqual(complete);
      // onTruncated: the same events and a clean end; the callback sees the error.
      const seen: number[] = [];
      const tolerant = await collect(
        readEvents(copy, { chunkSize: 64, onTruncated: (t) => seen.push(t.offset) }),
      );
      expect(tolerant).toEqual(complete);
      expect(seen).toEqual(start === undefined || start === cut ? [] : [start]);
    }
  });

  it('a record length crafted with a valid CRC is reported, not allocated or silently cut', async () => {
    // 20,001 records; the second claims 2^30 (then 2^40) bytes with a recomputed length CRC.
    const records = [frameRecord(encodeFileVersionEvent(1))];
    for (let i = 0; i < 20000; i++) records.push(frameRecord(encodeScalarEvent(1, i, 'x', i)));
    const bytes = Buffer.concat(records);
    for (const length of [2 ** 30, 2 ** 40]) {
      const at = records[0]!.length;
      bytes.writeBigUInt64LE(BigInt(length), at);
      bytes.writeUInt32LE(maskCrc(crc32c(bytes.subarray(at, at + 8))), at + 8);
      const file = join(tempDir(), 'events.out.tfevents.crafted');
      writeFileSync(file, bytes);
      const before = process.memoryUsage().arrayBuffers;
      const got: unknown[] = [];
      const error = await (async () => {
        for await (const e of readEvents(file)) got.push(e);
      })().catch((e: unknown) => e);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
      expect(got).toHaveLength(1);
      expect(error).toBeInstanceOf(EventFileTruncatedError);
      expect(error).toMatchObject({
        offset: at,
        needed: length + 16,
        available: bytes.length - at,
      });
    }
  });

  it('a live file read again after the writer appended the rest of its record', async () => {
    const file = await sampleFile();
    const bytes = readFileSync(file);
    const all = await collect(readEvents(file));
    const live = join(tempDir(), 'events.out.tfevents.live');
    writeFileSync(live, bytes.subarray(0, all[40]!.offset + 20));
    let resumeAt = -1;
    const first = await collect(readEvents(live, { onTruncated: (t) => (resumeAt = t.offset) }));
    expect(first).toEqual(all.slice(0, 40));
    expect(resumeAt).toBe(all[40]!.offset);
    writeFileSync(live, bytes);
    expect(await collect(readEvents(live))).toEqual(all);
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
