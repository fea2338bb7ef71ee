// The child process that reads one mutant at a time (bundled by esbuild from the sources, run
// with a small heap by the harness, which kills it when a read hangs). Answers each request
// with the outcome: what the reader returned, or the error it threw and whether it is typed.
import * as path from 'node:path';
import type { TensorSource } from '@tfslim/checkpoint';
import {
  CheckpointError,
  CheckpointReader,
  SafetensorsReader,
  TfjsWeightsReader,
} from '@tfslim/checkpoint';
import { EventFileCorruptError, readEvents } from '@tfslim/summary';
import type { Format, Outcome, Request, TensorDump } from './protocol.js';
import { FILES } from './protocol.js';

const hex = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

async function dumpSource(src: TensorSource): Promise<TensorDump[]> {
  const out: TensorDump[] = [];
  for (const v of src.listVariables()) {
    const raw = await src.getRaw(v.name);
    const data =
      raw.dtype === 'string'
        ? raw.data.map(hex)
        : hex(new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength));
    out.push({ name: v.name, dtype: raw.dtype, shape: [...raw.shape], data });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const replacer = (_: string, v: unknown): unknown =>
  typeof v === 'bigint'
    ? `${v}n`
    : ArrayBuffer.isView(v)
      ? Array.from(v as unknown as ArrayLike<number>)
      : v;

async function read(format: Format, dir: string): Promise<string> {
  switch (format) {
    case 'bundle':
      return JSON.stringify(
        await dumpSource(await CheckpointReader.open(path.join(dir, FILES.bundle))),
      );
    case 'safetensors':
      return JSON.stringify(
        await dumpSource(await SafetensorsReader.open(path.join(dir, FILES.safetensors))),
      );
    case 'tfjs':
      return JSON.stringify(
        await dumpSource(await TfjsWeightsReader.open(path.join(dir, FILES.tfjs))),
      );
    case 'events': {
      const events = [];
      for await (const e of readEvents(path.join(dir, FILES.events))) events.push(e);
      return JSON.stringify(events, replacer);
    }
  }
}

function isTyped(format: Format, e: unknown): boolean {
  return format === 'events' ? e instanceof EventFileCorruptError : e instanceof CheckpointError;
}

async function handle(req: Request): Promise<Outcome> {
  const before = process.memoryUsage().arrayBuffers;
  let peak = before;
  // Sampled while the read runs: a buffer of a claimed size shows before it is released.
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  }, 1);
  try {
    const dump = await read(req.format, req.dir);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    return { id: req.id, kind: 'ok', dump, allocated: peak - before };
  } catch (e) {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return {
      id: req.id,
      kind: isTyped(req.format, e) ? 'typed' : 'untyped',
      message: message.slice(0, 400),
      code: (e as { code?: string }).code ?? (e as Error).name,
      allocated: peak - before,
    };
  } finally {
    clearInterval(timer);
  }
}

process.on('message', (req: Request) => {
  void handle(req).then((out) => process.send!(out));
});
process.send!({ id: -1, kind: 'ready', allocated: 0 } satisfies Outcome);
