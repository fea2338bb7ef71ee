// SummaryWriter -> readEvents round trips, compared with values computed by hand.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { collect, readPng, tempDir } from '../test/helpers';
import { SummaryWriterClosedError } from './errors';
import { readEvents } from './read-events';
import type { EventRecord, SummaryValue } from './types';
import { SummaryWriter } from './writer';
import { testBackends } from '@tfslim-internal/testing';

async function writeAndRead(
  fill: (w: SummaryWriter) => void | Promise<void>,
  options = {},
): Promise<{ events: EventRecord[]; values: (SummaryValue & { step: number })[]; file: string }> {
  const w = new SummaryWriter(tempDir(), options);
  await fill(w);
  await w.close();
  const events = await collect(readEvents(w.file));
  const values = events.flatMap((e) => e.values.map((v) => ({ ...v, step: e.step })));
  return { events, values, file: w.file };
}

describe('SummaryWriter', () => {
  it('names the file events.out.tfevents.<secs>.<host>.<pid>.<n><suffix>, first record brain.Event:2', async () => {
    const before = Math.floor(Date.now() / 1000);
    const dir = tempDir();
    const w = new SummaryWriter(`${dir}/nested/run`, { filenameSuffix: '.v2' });
    const name = w.file.slice(w.file.lastIndexOf('/') + 1);
    const m = /^events\.out\.tfevents\.(\d+)\.(.+)\.(\d+)\.(\d+)\.v2$/.exec(name);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(before);
    expect(m![2]).toBe(hostname());
    expect(Number(m![3])).toBe(process.pid);
    // The header is on disk before any flush.
    expect(statSync(w.file).size).toBe(16 + 24);
    await w.close();
    const [header, ...rest] = await collect(readEvents(w.file));
    expect(header!.fileVersion).toBe('brain.Event:2');
    expect(header!.wallTime).toBeGreaterThanOrEqual(before);
    expect(rest).toEqual([]);
  });

  it('round-trips scalars (float32), including NaN, infinities, step 0, large and negative steps', async () => {
    const cases: [number, number][] = [
      [0.1, 0],
      [-2.5, 1],
      [1e-8, 2 ** 40],
      [NaN, 3],
      [Infinity, 4],
      [-Infinity, 5],
      [3, -7],
    ];
    const { values } = await writeAndRead((w) =>
      cases.forEach(([v, step]) => w.scalar('loss', v, step)),
    );
    expect(values.map((v) => [v.kind, v.tag, v.step, v.value])).toEqual(
      cases.map(([v, step]) => ['scalar', 'loss', step, Math.fround(v)]),
    );
  });

  it('round-trips histograms: edges and counts equal a hand-computed histogram', async () => {
    const { values } = await writeAndRead((w) => {
      w.histogram('h', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 1, { buckets: 5 });
      w.histogram('h', new Float32Array([5, -3, 0.5, -1, 2.5, 3, -2.5]), 2, { buckets: 4 });
      w.histogram('empty', [], 3);
      w.histogram('constant', [7, 7, 7, 7], 4);
      w.histogram(
        'default',
        Array.from({ length: 300 }, (_, i) => i),
        5,
      );
    });
    const rows = (v: SummaryValue | undefined) =>
      v?.kind === 'histogram' ? v.value.map((b) => [b.left, b.right, b.count]) : v;
    expect(rows(values[0])).toEqual([
      [0, 2, 2],
      [2, 4, 2],
      [4, 6, 2],
      [6, 8, 2],
      [8, 10, 3],
    ]);
    expect(rows(values[1])).toEqual([
      [-3, -1, 2],
      [-1, 1, 2],
      [1, 3, 1],
      [3, 5, 2],
    ]);
    expect(rows(values[2])).toEqual([]);
    expect(rows(values[3])).toEqual([[6.5, 7.5, 4]]);
    // 0..299 in 30 buckets of width 299/30: bucket k holds i with floor(i * 30 / 299) == k.
    const ref = new Array<number>(30).fill(0);
    for (let i = 0; i < 300; i++) ref[Math.min(29, Math.floor((i * 30) / 299))]!++;
    const d = rows(values[4]) as number[][];
    expect(d).toHaveLength(30);
    expect(d.map((r) => r[2])).toEqual(ref);
    expect(d[0]![0]).toBe(0);
    expect(d[29]![1]).toBe(299);
    expect(values.map((v) => [v.tag, v.step, v.kind, v.plugin])).toEqual([
      ['h', 1, 'histogram', 'histograms'],
      ['h', 2, 'histogram', 'histograms'],
      ['empty', 3, 'histogram', 'histograms'],
      ['constant', 4, 'histogram', 'histograms'],
      ['default', 5, 'histogram', 'histograms'],
    ]);
  });

  it('round-trips images as PNG: uint8, float [0, 1] and batches', async () => {
    const rgb = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 13);
    const grey = [0, 0.5, 1, 0.25];
    const batch = Uint8Array.from({ length: 4 * 2 * 2 * 4 }, (_, i) => i);
    const { values } = await writeAndRead((w) => {
      w.image('rgb', { shape: [2, 3, 3], data: rgb }, 0);
      w.image('grey', { shape: [2, 2, 1], data: grey }, 1);
      w.image('batch', { shape: [4, 2, 2, 4], data: batch }, 2, { maxOutputs: 2 });
    });
    const images = values.map((v) => {
      if (v.kind !== 'image') throw new Error(`expected an image, got ${v.kind}`);
      return { tag: v.tag, w: v.value.width, h: v.value.height, pngs: v.value.images.map(readPng) };
    });
    expect(images[0]).toMatchObject({ tag: 'rgb', w: 3, h: 2 });
    expect(images[0]!.pngs[0]).toEqual({
      width: 3,
      height: 2,
      channels: 3,
      bitDepth: 8,
      pixels: rgb,
    });
    // TF's convert_image_dtype: floor(x * 255.5).
    expect([...images[1]!.pngs[0]!.pixels]).toEqual([0, 127, 255, 63]);
    expect(images[1]!.pngs[0]!.channels).toBe(1);
    expect(images[2]!.pngs).toHaveLength(2);
    expect(images[2]!.pngs.map((p) => [...p.pixels])).toEqual([
      [...batch.subarray(0, 16)],
      [...batch.subarray(16, 32)],
    ]);
    expect(images[2]!.pngs[1]!.channels).toBe(4);
  });

  it('round-trips text (UTF-8 Markdown)', async () => {
    const text = '# Run notes\n*lr* = 0.01 — naïve ✓ 日本';
    const { values } = await writeAndRead((w) => w.text('notes', text, 3));
    expect(values).toEqual([{ tag: 'notes', kind: 'text', value: text, plugin: 'text', step: 3 }]);
  });

  it('keeps call order across immediate and asynchronous (tensor-like) events', async () => {
    let release!: (v: Float32Array) => void;
    const slow = { shape: [3], data: () => new Promise<Float32Array>((r) => (release = r)) };
    const w = new SummaryWriter(tempDir(), { maxQueue: 1 });
    w.scalar('a', 1, 0);
    w.histogram('slow', slow, 1);
    w.scalar('b', 2, 2);
    const flushed = w.flush();
    setTimeout(() => release(new Float32Array([1, 2, 3])), 20);
    await flushed;
    await w.close();
    const events = await collect(readEvents(w.file));
    expect(events.slice(1).map((e) => e.values[0]!.tag)).toEqual(['a', 'slow', 'b']);
  });

  it('flush() puts everything logged so far on disk while the writer stays open', async () => {
    const w = new SummaryWriter(tempDir(), { maxQueue: 1000, flushMillis: 3_600_000 });
    for (let i = 0; i < 50; i++) w.scalar('x', i, i);
    expect(statSync(w.file).size).toBe(40); // queued, not written yet
    await w.flush();
    const events = await collect(readEvents(w.file));
    expect(events.slice(1).map((e) => e.values[0]!.value)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    w.scalar('x', 50, 50);
    await w.close();
    expect((await collect(readEvents(w.file))).length).toBe(52);
  });

  it('writes on its own when maxQueue events are queued, and every flushMillis', async () => {
    const wq = new SummaryWriter(tempDir(), { maxQueue: 5, flushMillis: 3_600_000 });
    for (let i = 0; i < 5; i++) wq.scalar('x', i, i);
    const wt = new SummaryWriter(tempDir(), { maxQueue: 1000, flushMillis: 10 });
    wt.scalar('y', 1, 1);
    const grown = async (file: string, size: number) => {
      for (let i = 0; i < 500 && statSync(file).size < size; i++)
        await new Promise((r) => setTimeout(r, 10));
      return statSync(file).size;
    };
    expect(await grown(wq.file, 40 + 5 * 51)).toBeGreaterThan(40);
    expect(await grown(wt.file, 41)).toBeGreaterThan(40);
    await Promise.all([wq.close(), wt.close()]);
  });

  it('rejects bad input with messages naming the problem, without writing anything', async () => {
    const w = new SummaryWriter(tempDir());
    expect(() => w.scalar('', 1, 0)).toThrow(
      /SummaryWriter.scalar: expected a non-empty tag string, got the string ""/,
    );
    expect(() => w.scalar('x', 1, 1.5)).toThrow(/expected an integer step, got number 1.5/);
    expect(() => w.scalar('x', '3' as unknown as number, 0)).toThrow(
      /expected a number or a one-element tensor/,
    );
    expect(() => w.scalar('x', { shape: [2], data: async () => [1, 2] }, 0)).toThrow(
      /tensor of shape \[2\]/,
    );
    expect(() => w.histogram('h', [1, NaN, 2], 0)).toThrow(
      /expected finite numbers, got NaN at index 1/,
    );
    expect(() => w.histogram('h', [1, 2], 0, { buckets: 0 })).toThrow(
      /buckets to be an integer >= 1, got 0/,
    );
    expect(() => w.histogram('h', 5 as unknown as number[], 0)).toThrow(
      /expected an array, typed array or tensor/,
    );
    expect(() => w.image('i', { shape: [2, 2], data: [0, 0, 0, 0] }, 0)).toThrow(
      /expected shape \[height, width, channels\]/,
    );
    expect(() => w.image('i', { shape: [1, 1, 2], data: [0, 0] }, 0)).toThrow(
      /channels 1, 3 or 4, got \[1, 1, 2\]/,
    );
    expect(() => w.image('i', { shape: [1, 2, 1], data: [0, 1.5] }, 0)).toThrow(
      /float pixels in \[0, 1\], got 1.5 at index 1/,
    );
    expect(() => w.image('i', { shape: [1, 2, 1], data: new Int32Array([0, 300]) }, 0)).toThrow(
      /0..255, got 300/,
    );
    expect(() => w.image('i', { shape: [1, 2, 1], data: [0, NaN] }, 0)).toThrow(
      /got number NaN at index 1/,
    );
    expect(() => w.image('i', { shape: [2, 2, 1], data: [0] }, 0)).toThrow(
      /expected 4 pixel values for the given shape, got 1/,
    );
    expect(() => w.text('t', 5 as unknown as string, 0)).toThrow(
      /expected a string for 't', got number 5/,
    );
    expect(() => new SummaryWriter(tempDir(), { maxQueue: 0 })).toThrow(
      /maxQueue to be an integer >= 1, got 0/,
    );
    expect(() => new SummaryWriter(tempDir(), { flushMillis: -1 })).toThrow(
      /flushMillis > 0, got -1/,
    );
    await w.close();
    expect(await collect(readEvents(w.file))).toHaveLength(1);
  });

  it('drops an event whose tensor data turns out invalid, reports it on flush, keeps the rest', async () => {
    const w = new SummaryWriter(tempDir());
    w.scalar('before', 1, 0);
    w.histogram('bad', { shape: [2], data: async () => new Float32Array([1, NaN]) }, 1);
    w.scalar('after', 2, 2);
    await expect(w.flush()).rejects.toThrow(/expected finite numbers, got NaN at index 1/);
    await w.close(); // the error was reported once
    const events = await collect(readEvents(w.file));
    expect(events.slice(1).map((e) => e.values[0]!.tag)).toEqual(['before', 'after']);
  });

  it('throws SummaryWriterClosedError after close(); close() twice is fine', async () => {
    const w = new SummaryWriter(tempDir());
    await w.close();
    await w.close();
    expect(() => w.scalar('x', 1, 0)).toThrow(SummaryWriterClosedError);
    expect(() => w.text('x', 'y', 0)).toThrow(/SummaryWriter.text: expected an open writer/);
  });

  it('one writer per file: two writers in the same directory get distinct files', async () => {
    const dir = tempDir();
    const a = new SummaryWriter(dir);
    const b = new SummaryWriter(dir);
    expect(a.file).not.toBe(b.file);
    await Promise.all([a.close(), b.close()]);
    expect(readdirSync(dir)).toHaveLength(2);
    expect(readFileSync(a.file).length).toBe(40);
  });

  it('skips a name another writer took (a second copy of the module, same pid, same second), never overwriting it', async () => {
    const dir = tempDir();
    // Two copies of this module (ESM and CJS builds loaded side by side) each count from 0.
    const load = async (): Promise<typeof SummaryWriter> => {
      let copy: typeof SummaryWriter | undefined;
      await jest.isolateModulesAsync(async () => {
        copy = (await import('./writer')).SummaryWriter;
      });
      return copy!;
    };
    const [First, Second] = [await load(), await load()];
    const a = new First(dir);
    a.text('owner', 'first', 0);
    await a.flush();
    const before = readFileSync(a.file);
    const b = new Second(dir);
    expect(b.file).not.toBe(a.file);
    b.text('owner', 'second', 0);
    await Promise.all([a.close(), b.close()]);
    expect(readFileSync(a.file).subarray(0, before.length)).toEqual(before);
    const owners = async (file: string): Promise<string[]> =>
      (await collect(readEvents(file))).flatMap((e) =>
        e.values.flatMap((v) => (v.kind === 'text' ? [String(v.value)] : [])),
      );
    expect(await owners(a.file)).toEqual(['first']);
    expect(await owners(b.file)).toEqual(['second']);
  });
});

describe.each(testBackends())('tfjs tensors on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it('reads scalar, histogram and image tensors asynchronously, leaking none', async () => {
    const before = tf.memory().numTensors;
    const values = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const loss = tf.scalar(0.75);
    const img = tf.tensor3d([0, 64, 128, 255, 10, 20], [1, 2, 3], 'int32');
    const imgFloat = tf.tensor3d([0, 0.5, 1, 0.25], [2, 2, 1]);
    const { values: out } = await writeAndRead((w) => {
      w.scalar('loss', loss, 1);
      w.histogram('values', values, 1, { buckets: 5 });
      w.image('img', img, 1);
      w.image('imgFloat', imgFloat, 1);
      // The writer read the data already: disposing now is safe.
      tf.dispose([values, loss, img, imgFloat]);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(out[0]).toMatchObject({ tag: 'loss', kind: 'scalar', value: 0.75 });
    const w = new SummaryWriter(tempDir());
    expect(() => w.histogram('gone', values, 0)).toThrow(
      /expected a live tensor for 'gone', got a disposed one/,
    );
    expect(() => w.scalar('gone', loss, 0)).toThrow(/disposed/);
    await w.close();
    expect(out[1]!.kind === 'histogram' && out[1]!.value.map((b) => b.count)).toEqual([
      2, 2, 2, 2, 3,
    ]);
    const png = (v: SummaryValue | undefined) =>
      v?.kind === 'image' ? readPng(v.value.images[0]!) : undefined;
    expect([...png(out[2])!.pixels]).toEqual([0, 64, 128, 255, 10, 20]);
    expect([...png(out[3])!.pixels]).toEqual([0, 127, 255, 63]);
  });
});
