// What train() shows untuned: about ten log lines a run when piped, step times with a readable
// unit, and summaries from the first step on.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { fullyConnected } from '@tfslim/layers';
import { meanSquaredError } from '@tfslim/losses';
import { listEventFiles, readEvents } from '@tfslim/summary';
import { VariableStore, variableScope } from '@tfslim/variables';
import { formatStepTime } from './log.js';
import { createTrainOp, train, type ProgressStream } from './index.js';

const x = (): tf.Tensor => tf.tensor2d([[0], [1], [2], [3]]);
const y = (): tf.Tensor => tf.tensor2d([[1], [3], [5], [7]]);

function* batches(count = Infinity): Generator<[tf.Tensor, tf.Tensor]> {
  for (let i = 0; i < count; i++) yield [x(), y()];
}

/** A non-TTY stream: what `node train.js | tee log` gives. */
const piped = (): ProgressStream & { text: string } => ({
  text: '',
  write(chunk: string) {
    this.text += chunk;
  },
});

const dirs: string[] = [];
const stores: VariableStore[] = [];
beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});
afterAll(() => {
  for (const s of stores) s.dispose();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function setup() {
  const store = new VariableStore();
  stores.push(store);
  const op = createTrainOp(
    (_l, xb: tf.Tensor, yb: tf.Tensor) =>
      meanSquaredError(
        variableScope('net', () => fullyConnected(xb, 1, { scope: 'fc', activation: null })),
        yb,
      ),
    tf.train.sgd(0.01),
    { store },
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-log-defaults-'));
  dirs.push(dir);
  const lines: string[] = [];
  return { op, dir, lines, log: (l: string) => lines.push(l) };
}

const loggedSteps = (lines: string[]): number[] =>
  lines.flatMap((l) => /^global step (\d+):/.exec(l)?.[1] ?? []).map(Number);

async function scalarSteps(dir: string, tag: string): Promise<number[]> {
  const steps: number[] = [];
  for (const f of await listEventFiles(dir))
    for await (const e of readEvents(f))
      for (const v of e.values) if (v.tag === tag) steps.push(e.step);
  return steps.sort((a, b) => a - b);
}

describe('train logs about ten lines a run by default', () => {
  it('every tenth of numberOfSteps when piped', async () => {
    const { op, dir, lines, log } = setup();
    await train(op, dir, { data: batches(), numberOfSteps: 50, log, progressStream: piped() });
    expect(loggedSteps(lines)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
  });

  it('every 100 steps when only the data bounds the run', async () => {
    const { op, dir, lines, log } = setup();
    await train(op, dir, { data: batches(250), log, progress: 'none' });
    expect(loggedSteps(lines)).toEqual([100, 200]);
  });

  it('logEveryNSteps still sets it', async () => {
    const { op, dir, lines, log } = setup();
    await train(op, dir, { data: batches(), numberOfSteps: 6, logEveryNSteps: 1, log });
    expect(loggedSteps(lines)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('step times show their number', () => {
  it('in ms under a second, in seconds above', () => {
    expect(formatStepTime(0.000412)).toBe('0.412 ms/step');
    expect(formatStepTime(0.00004)).toBe('0.0400 ms/step');
    expect(formatStepTime(0.0123)).toBe('12.3 ms/step');
    expect(formatStepTime(0.25)).toBe('250 ms/step');
    expect(formatStepTime(1.5)).toBe('1.500 sec/step');
  });

  it("a tiny model's log lines never read 0.000", async () => {
    const { op, dir, lines, log } = setup();
    await train(op, dir, { data: batches(), numberOfSteps: 20, logEveryNSteps: 1, log });
    const times = lines.flatMap((l) => /\((\S+) ms\/step\)$/.exec(l)?.[1] ?? []);
    expect(times).toHaveLength(20);
    for (const t of times) expect(Number(t)).toBeGreaterThan(0);
  });
});

describe('summaries start at the first step', () => {
  it('a run shorter than saveSummariesSecs has total_loss at its first and last step', async () => {
    const { op, dir } = setup();
    await train(op, dir, {
      data: batches(),
      numberOfSteps: 20,
      saveSummariesSecs: 300,
      summaries: (w, step) => w.scalar('custom', step, step),
      log: null,
    });
    expect(await scalarSteps(dir, 'total_loss')).toEqual([1, 20]);
    expect(await scalarSteps(dir, 'custom')).toEqual([1, 20]);
    expect(await scalarSteps(dir, 'global_step/sec')).toEqual([1, 20]);
  });

  it('saveSummariesSteps keeps its multiples after the first step', async () => {
    const { op, dir } = setup();
    await train(op, dir, { data: batches(), numberOfSteps: 12, saveSummariesSteps: 5, log: null });
    expect(await scalarSteps(dir, 'total_loss')).toEqual([1, 5, 10, 12]);
  });

  it('a one-step run writes them once', async () => {
    const { op, dir } = setup();
    await train(op, dir, { data: batches(), numberOfSteps: 1, log: null });
    expect(await scalarSteps(dir, 'total_loss')).toEqual([1]);
  });
});
