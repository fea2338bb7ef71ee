// We write event files, TensorBoard reads them: SummaryWriter scalars, histograms, images and
// text plus a train() logdir, loaded by TensorBoard's EventAccumulator and served by the real
// `tensorboard` server, queried over its HTTP API. Every run, tag, step and value must match.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { fullyConnected } from '@tfslim/layers';
import { createTrainOp, train } from '@tfslim/learning';
import { meanSquaredError } from '@tfslim/losses';
import type { EventRecord, SummaryValue } from '@tfslim/summary';
import { SummaryWriter, histogramBuckets, listEventFiles, readEvents } from '@tfslim/summary';
import { VariableStore, variableScope } from '@tfslim/variables';
import { venvDir } from '@tfslim-internal/testing';
import type { Num } from './helpers.js';
import { fromPy, runScript, skipReason, tempDir } from './helpers.js';

const reason = skipReason('event files read by TensorBoard');
const maybe = reason === null ? describe : describe.skip;

interface TbTensorEvent {
  step: number;
  wall_time: number;
  tensor: { dtype: string; shape: number[]; values?: Num[]; strings?: string[] };
  pixels?: number[][];
}
interface TbRun {
  tensors: Record<string, { plugin: string; events: TbTensorEvent[] }>;
  legacy: Record<string, string[]>;
}

/** One logged value as we read it back, by run and tag. */
interface Point {
  step: number;
  wallTime: number;
  value: SummaryValue;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const utf8 = (s: string): string => b64(new TextEncoder().encode(s));

async function readRun(dir: string): Promise<Map<string, Point[]>> {
  const out = new Map<string, Point[]>();
  for (const file of await listEventFiles(dir)) {
    for await (const e of readEvents(file)) {
      for (const value of (e as EventRecord).values) {
        const list = out.get(value.tag) ?? [];
        list.push({ step: e.step, wallTime: e.wallTime, value });
        out.set(value.tag, list);
      }
    }
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

// No keep-alive: jest must not wait on idle sockets to a server that is gone.
const CLOSE = { headers: { connection: 'close' } };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// The values logged by the SummaryWriter run, kept to compare with what TensorBoard serves.
const LOSS = Array.from({ length: 10 }, (_, s) => 1 / (s + 1));
// NaN and infinities are logged as they are (a diverging run must show as such).
const ODD = [NaN, Infinity, -Infinity, -0];
const ACC: Array<[number, number]> = [
  [0, 0.25],
  [5, 0.75],
];
const WEIGHTS: Array<[number, number[]]> = [
  [0, Array.from({ length: 1000 }, (_, i) => Math.sin(i))],
  [5, Array.from({ length: 333 }, (_, i) => (i % 17) * 0.3 - 2)],
];
const CONSTANT = Array.from({ length: 12 }, () => 2.5);
const RGB = Uint8Array.from({ length: 4 * 4 * 3 }, (_, i) => (i * 37) % 256);
const GRAY = Float32Array.from({ length: 2 * 3 * 5 }, (_, i) => i / 29);
const NOTES: Array<[number, string]> = [
  [0, 'plain words'],
  [3, 'second note'],
];

maybe('tfslim writes events, TensorBoard reads', () => {
  const tmp = tempDir('tb');
  let tb: Record<string, TbRun>;
  const ours = new Map<string, Map<string, Point[]>>();
  let server: ChildProcess | undefined;
  let serverLog = '';
  let base = '';

  async function get<T>(path: string): Promise<T> {
    const res = await fetch(`${base}${path}`, CLOSE);
    if (!res.ok)
      throw new Error(`tensorboard ${path}: HTTP ${res.status}\n${serverLog.slice(-2000)}`);
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
    const w = new SummaryWriter(join(tmp.path, 'writer'));
    LOSS.forEach((v, s) => w.scalar('loss', v, s));
    for (const [s, v] of ACC) w.scalar('metrics/accuracy', v, s);
    ODD.forEach((v, s) => w.scalar('odd', v, s));
    for (const [s, v] of WEIGHTS) w.histogram('weights', v, s);
    w.histogram('constant', CONSTANT, 2);
    w.image('rgb', { shape: [4, 4, 3], data: RGB }, 1);
    w.image('gray', { shape: [2, 3, 5, 1], data: GRAY }, 2);
    for (const [s, t] of NOTES) w.text('notes', t, s);
    await w.close();

    const store = new VariableStore();
    const op = createTrainOp(
      (_l, x: tf.Tensor, y: tf.Tensor) =>
        meanSquaredError(
          variableScope('net', () => fullyConnected(x, 1, { scope: 'fc', activation: null })),
          y,
        ),
      tf.train.sgd(0.05),
      { store, summarizeGradients: true },
    );
    const x = tf.tensor2d([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const y = tf.tensor2d([[1], [3], [-2], [0]]);
    await train(op, join(tmp.path, 'train'), {
      data: (function* (): Generator<[tf.Tensor, tf.Tensor]> {
        for (;;) yield [x, y];
      })(),
      numberOfSteps: 6,
      saveSummariesSteps: 2,
      saveIntervalSteps: 100,
      progress: 'none',
      log: () => undefined,
      summaries: (writer, step) => {
        for (const [name, v] of Object.entries(store.namedVariables())) {
          if (name !== 'global_step') writer.histogram(`${name}/values`, v, step);
        }
      },
    });
    x.dispose();
    y.dispose();
    op.dispose();
    for (const run of ['writer', 'train']) ours.set(run, await readRun(join(tmp.path, run)));

    tb = runScript<Record<string, TbRun>>('tb_read_events.py', {
      logdir: tmp.path,
      runs: ['writer', 'train'],
    });

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(
      join(venvDir(), 'bin', 'tensorboard'),
      [
        '--logdir',
        tmp.path,
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--load_fast',
        'false',
        '--reload_interval',
        '1',
        '--samples_per_plugin',
        'scalars=100000,histograms=100000,images=100000,text=100000',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '-1' },
      },
    );
    server.on('error', (e) => (serverLog += `\ncould not start tensorboard: ${e.message}`));
    server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
    // Until it answers and has loaded both runs' scalars.
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (server.exitCode !== null)
        throw new Error(`tensorboard exited ${server.exitCode}:\n${serverLog.slice(-3000)}`);
      try {
        const tags = await get<Record<string, Record<string, unknown>>>(
          '/data/plugin/scalars/tags',
        );
        if (tags.writer?.loss !== undefined && tags.train?.total_loss !== undefined) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline)
        throw new Error(`tensorboard did not answer in 180 s:\n${serverLog.slice(-3000)}`);
      await sleep(500);
    }
  });

  afterAll(async () => {
    if (server !== undefined && server.exitCode === null && server.pid !== undefined) {
      const exited = new Promise((r) => server!.once('exit', r));
      process.kill(server.pid, 'SIGTERM');
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
      if (server.exitCode === null && server.signalCode === null)
        process.kill(server.pid, 'SIGKILL');
    }
    tmp.remove();
  });

  describe('EventAccumulator', () => {
    it('sees the tags we wrote, under the plugins we named, and no legacy values', () => {
      expect(Object.keys(tb.writer!.tensors).sort()).toEqual([
        'constant',
        'gray',
        'loss',
        'metrics/accuracy',
        'notes',
        'odd',
        'rgb',
        'weights',
      ]);
      const plugins = Object.fromEntries(
        Object.entries(tb.writer!.tensors).map(([t, v]) => [t, v.plugin]),
      );
      expect(plugins).toEqual({
        constant: 'histograms',
        gray: 'images',
        loss: 'scalars',
        'metrics/accuracy': 'scalars',
        odd: 'scalars',
        notes: 'text',
        rgb: 'images',
        weights: 'histograms',
      });
      for (const run of ['writer', 'train']) {
        expect(tb[run]!.legacy).toEqual({ scalars: [], histograms: [], images: [], audio: [] });
      }
    });

    it('scalars: every step and float32 value we logged', () => {
      const loss = tb.writer!.tensors.loss!.events;
      expect(loss.map((e) => e.step)).toEqual(LOSS.map((_, s) => s));
      expect(loss.map((e) => fromPy(e.tensor.values![0]!))).toEqual(
        LOSS.map((v) => Math.fround(v)),
      );
      expect(loss.every((e) => e.tensor.dtype === 'float32' && e.tensor.shape.length === 0)).toBe(
        true,
      );
      const odd = tb.writer!.tensors.odd!.events;
      expect(odd.map((e) => [e.step, fromPy(e.tensor.values![0]!)])).toEqual(
        ODD.map((v, s) => [s, v]),
      );
      expect(Object.is(fromPy(odd[3]!.tensor.values![0]!), -0)).toBe(true);
      const acc = tb.writer!.tensors['metrics/accuracy']!.events;
      expect(acc.map((e) => [e.step, fromPy(e.tensor.values![0]!)])).toEqual(
        ACC.map(([s, v]) => [s, Math.fround(v)]),
      );
    });

    it('histograms: every bucket (left, right, count) of the values we logged', () => {
      const h = tb.writer!.tensors.weights!.events;
      expect(h.map((e) => e.step)).toEqual(WEIGHTS.map(([s]) => s));
      h.forEach((e, i) => {
        const want = histogramBuckets(WEIGHTS[i]![1]);
        expect(e.tensor.dtype).toBe('float64');
        expect(e.tensor.shape).toEqual([30, 3]);
        expect(e.tensor.values!.map(fromPy)).toEqual(
          want.flatMap((b) => [b.left, b.right, b.count]),
        );
      });
      const c = tb.writer!.tensors.constant!.events[0]!;
      expect(c.tensor.values!.map(fromPy)).toEqual([2, 3, 12]);
    });

    it('images: the PNGs decode (tf.io.decode_png) to the pixels we logged', () => {
      const rgb = tb.writer!.tensors.rgb!.events;
      expect(rgb.map((e) => e.step)).toEqual([1]);
      expect(rgb[0]!.tensor.strings!.slice(0, 2)).toEqual([utf8('4'), utf8('4')]);
      expect(rgb[0]!.pixels).toEqual([Array.from(RGB)]);
      const gray = tb.writer!.tensors.gray!.events[0]!;
      expect(gray.step).toBe(2);
      expect(gray.tensor.strings!.slice(0, 2)).toEqual([utf8('5'), utf8('3')]);
      // floats in [0, 1] -> floor(x * 255.5), as tf.image.convert_image_dtype.
      const px = Array.from(GRAY, (v) => Math.floor(Math.fround(v) * 255.5));
      expect(gray.pixels).toEqual([px.slice(0, 15), px.slice(15)]);
    });

    it('text: every step and string', () => {
      const t = tb.writer!.tensors.notes!.events;
      expect(t.map((e) => [e.step, e.tensor.dtype, e.tensor.shape, e.tensor.strings])).toEqual(
        NOTES.map(([s, v]) => [s, 'string', [], [utf8(v)]]),
      );
    });

    it('a train() logdir: every tag, step and value readEvents gives', () => {
      const mine = ours.get('train')!;
      const theirs = tb.train!.tensors;
      expect(Object.keys(theirs).sort()).toEqual([...mine.keys()].sort());
      expect(Object.keys(theirs)).toEqual(
        expect.arrayContaining([
          'total_loss',
          'global_step/sec',
          'net/fc/weights/gradients',
          'net/fc/weights/values',
        ]),
      );
      for (const [tag, points] of mine) {
        const ev = theirs[tag]!.events;
        expect({ tag, steps: ev.map((e) => e.step) }).toEqual({
          tag,
          steps: points.map((p) => p.step),
        });
        expect({ tag, wall: ev.map((e) => e.wall_time) }).toEqual({
          tag,
          wall: points.map((p) => p.wallTime),
        });
        points.forEach((p, i) => {
          const v = p.value;
          const values = ev[i]!.tensor.values!.map(fromPy);
          if (v.kind === 'scalar') expect({ tag, values }).toEqual({ tag, values: [v.value] });
          else if (v.kind === 'histogram')
            expect({ tag, values }).toEqual({
              tag,
              values: v.value.flatMap((b) => [b.left, b.right, b.count]),
            });
          else throw new Error(`${tag}: unexpected ${v.kind}`);
        });
      }
      expect(theirs.total_loss!.events.length).toBeGreaterThan(1);
    });
  });

  describe('the tensorboard server (HTTP API)', () => {
    it('/data/runs and /data/plugins_listing', async () => {
      expect((await get<string[]>('/data/runs')).sort()).toEqual(['train', 'writer']);
      const plugins = await get<Record<string, { enabled: boolean }>>('/data/plugins_listing');
      for (const p of ['scalars', 'histograms', 'images', 'text']) {
        expect({ p, enabled: plugins[p]?.enabled }).toEqual({ p, enabled: true });
      }
    });

    it('scalars: tags and every (wall time, step, value) of both runs', async () => {
      const tags = await get<Record<string, Record<string, unknown>>>('/data/plugin/scalars/tags');
      for (const run of ['writer', 'train']) {
        const mine = ours.get(run)!;
        const scalarTags = [...mine]
          .filter(([, p]) => p[0]!.value.kind === 'scalar')
          .map(([t]) => t);
        expect(Object.keys(tags[run]!).sort()).toEqual(scalarTags.sort());
        for (const tag of scalarTags) {
          const q = new URLSearchParams({ run, tag });
          const got = await get<Array<[number, number, Num]>>(`/data/plugin/scalars/scalars?${q}`);
          const want = mine
            .get(tag)!
            .map((p) => [p.wallTime, p.step, (p.value as { value: number }).value]);
          expect({ run, tag, got: got.map(([w, s, v]) => [w, s, fromPy(v)]) }).toEqual({
            run,
            tag,
            got: want,
          });
        }
      }
      // And they are the numbers we logged.
      const q = new URLSearchParams({ run: 'writer', tag: 'loss' });
      const loss = await get<Array<[number, number, number]>>(`/data/plugin/scalars/scalars?${q}`);
      expect(loss.map(([, , v]) => v)).toEqual(LOSS.map((v) => Math.fround(v)));
    });

    it('histograms: every bucket of every step', async () => {
      const tags = await get<Record<string, Record<string, unknown>>>(
        '/data/plugin/histograms/tags',
      );
      for (const run of ['writer', 'train']) {
        const mine = ours.get(run)!;
        const histTags = [...mine]
          .filter(([, p]) => p[0]!.value.kind === 'histogram')
          .map(([t]) => t);
        expect(Object.keys(tags[run]!).sort()).toEqual(histTags.sort());
        for (const tag of histTags) {
          const q = new URLSearchParams({ run, tag });
          const got = await get<Array<[number, number, Array<[Num, Num, Num]>]>>(
            `/data/plugin/histograms/histograms?${q}`,
          );
          const want = mine
            .get(tag)!
            .map((p) => [
              p.wallTime,
              p.step,
              p.value.kind === 'histogram'
                ? p.value.value.map((b) => [b.left, b.right, b.count])
                : [],
            ]);
          expect({
            run,
            tag,
            got: got.map(([w, s, b]) => [w, s, b.map((r) => r.map(fromPy))]),
          }).toEqual({
            run,
            tag,
            got: want,
          });
        }
      }
    });

    it('images: every sample of every step, byte for byte', async () => {
      const tags = await get<Record<string, Record<string, { samples: number }>>>(
        '/data/plugin/images/tags',
      );
      expect(Object.keys(tags.writer!).sort()).toEqual(['gray', 'rgb']);
      expect(tags.writer!.gray!.samples).toBe(2);
      for (const tag of ['rgb', 'gray']) {
        const points = ours.get('writer')!.get(tag)!;
        const v = points[0]!.value;
        if (v.kind !== 'image') throw new Error(`${tag}: expected an image, got ${v.kind}`);
        for (const [sample, png] of v.value.images.entries()) {
          const q = new URLSearchParams({ run: 'writer', tag, sample: String(sample) });
          const list = await get<Array<{ wall_time: number; step: number; query: string }>>(
            `/data/plugin/images/images?${q}`,
          );
          expect(list.map((e) => [e.wall_time, e.step])).toEqual(
            points.map((p) => [p.wallTime, p.step]),
          );
          const res = await fetch(
            `${base}/data/plugin/images/individualImage?${list[0]!.query}`,
            CLOSE,
          );
          expect(res.status).toBe(200);
          expect(b64(new Uint8Array(await res.arrayBuffer()))).toBe(b64(png));
        }
      }
    });

    it('text: every step, rendered', async () => {
      const tags = await get<Record<string, string[]>>('/data/plugin/text/tags');
      expect(tags.writer).toEqual(['notes']);
      const q = new URLSearchParams({ run: 'writer', tag: 'notes' });
      const got = await get<Array<{ wall_time: number; step: number; text: string }>>(
        `/data/plugin/text/text?${q}`,
      );
      const points = ours.get('writer')!.get('notes')!;
      expect(got.map((e) => [e.wall_time, e.step, e.text])).toEqual(
        points.map((p, i) => [p.wallTime, p.step, `<p>${NOTES[i]![1]}</p>`]),
      );
    });
  });
});
