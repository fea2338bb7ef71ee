// Every metric against its independent reference (test/reference.ts) on every backend, and the
// contract: streaming == one-shot, merges, reset, state round trip, no sync in update, no leaks.
import * as tf from '@tensorflow/tfjs-core';
import { CASES, type Args, type Case, type Expected } from '../../test/catalog.js';
import {
  BACKENDS,
  expectAllClose,
  rng,
  tensors,
  useBackend,
  withoutHostSync,
} from '../../test/helpers.js';
import type { Metric } from '../index.js';

type AnyM = Metric<tf.Rank, never>;
const SIZES = [5, 8, 3, 7];
// 1,000 updates for one metric of each code path; 50 for the rest (the same code again).
const LONG = new Set([
  'mean',
  'meanTensor',
  'accuracy',
  'topKAccuracy',
  'precision',
  'auc ROC trapezoidal',
  'meanIou (class 4 absent)',
  'sparsePrecisionAtK',
  'concat',
  'covariance',
]);

function batchesFor(c: Case, seed: number): Args[] {
  const r = rng(seed);
  return SIZES.map((n) => c.batch(r, n));
}

function feed(m: AnyM, args: Args): void {
  tf.tidy(() => (m as unknown as { update(...a: unknown[]): void }).update(...tensors(args)));
}

async function valueOf(m: AnyM): Promise<Expected> {
  return (await m.resultArray()) as Expected;
}

function oneShot(batches: Args[]): Args {
  const first = batches[0] as Args;
  return first.map((_, i) => batches.flatMap((b) => b[i] as unknown[]));
}

describe.each(BACKENDS)('every metric on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(CASES.map((c, i) => [c.name, c, i] as const))(
    '%s matches its reference over weighted batches',
    async (_name, c, i) => {
      const batches = batchesFor(c, 100 + i);
      const m = c.make();
      for (const b of batches) feed(m, b);
      expectAllClose(await valueOf(m), c.reference(batches), c.tol ?? 2e-5);
      // result() is an idempotent read.
      expectAllClose(await valueOf(m), c.reference(batches), c.tol ?? 2e-5);
      m.dispose();
    },
  );

  it.each(CASES.filter((c) => c.oneShot !== false).map((c, i) => [c.name, c, i] as const))(
    '%s: streaming in batches == one batch',
    async (_name, c, i) => {
      const batches = batchesFor(c, 200 + i);
      const streamed = c.make();
      for (const b of batches) feed(streamed, b);
      const once = c.make();
      feed(once, oneShot(batches));
      expectAllClose(await valueOf(streamed), (await valueOf(once)) as number, c.tol ?? 2e-5);
      streamed.dispose();
      once.dispose();
    },
  );

  it.each(CASES.map((c, i) => [c.name, c, i] as const))(
    '%s: merge of two shards == one stream; merge leaves the other shard intact',
    async (_name, c, i) => {
      const batches = batchesFor(c, 300 + i);
      const a = c.make();
      const b = c.make();
      batches.slice(0, 2).forEach((x) => feed(a, x));
      batches.slice(2).forEach((x) => feed(b, x));
      const bBefore = await valueOf(b);
      a.merge(b);
      expectAllClose(await valueOf(a), c.reference(batches), c.tol ?? 2e-5);
      expectAllClose(await valueOf(b), bBefore as number, 1e-7);
      a.dispose();
      b.dispose();
    },
  );

  it.each(CASES.map((c, i) => [c.name, c, i] as const))(
    '%s: reset restores the initial state; state() round-trips through loadState()',
    async (_name, c, i) => {
      const batches = batchesFor(c, 400 + i);
      const m = c.make();
      feed(m, batches[0] as Args);
      m.reset();
      batches.slice(1).forEach((x) => feed(m, x));
      expectAllClose(await valueOf(m), c.reference(batches.slice(1)), c.tol ?? 2e-5);

      const saved = m.state();
      const restored = c.make();
      restored.loadState(saved);
      tf.dispose(Object.values(saved));
      expectAllClose(await valueOf(restored), c.reference(batches.slice(1)), c.tol ?? 2e-5);
      // The restored metric keeps streaming.
      feed(restored, batches[0] as Args);
      expectAllClose(
        await valueOf(restored),
        c.reference([...batches.slice(1), batches[0] as Args]),
        c.tol ?? 2e-5,
      );
      m.dispose();
      restored.dispose();
    },
  );

  it.each(CASES.map((c, i) => [c.name, c, i] as const))(
    '%s: update reads nothing back to the host and leaks no tensor over many updates',
    async (_name, c, i) => {
      const UPDATES = LONG.has(c.name) ? 1000 : 50;
      const batches = batchesFor(c, 500 + i);
      const inputs = batches.map((b) => tensors(b));
      const m = c.make();
      const update = (args: (tf.Tensor | undefined)[]) =>
        (m as unknown as { update(...a: unknown[]): void }).update(...args);
      withoutHostSync(() => update(inputs[0] as (tf.Tensor | undefined)[]));
      const growth = c.growth ?? (c.name === 'concat' ? 1 : 0); // concat keeps every batch
      const before = tf.memory().numTensors;
      for (let k = 0; k < UPDATES; k++)
        update(inputs[k % inputs.length] as (tf.Tensor | undefined)[]);
      expect(tf.memory().numTensors).toBe(before + UPDATES * growth);
      const r1 = m.result();
      const r2 = m.result();
      expect(tf.memory().numTensors).toBe(before + UPDATES * growth + 2);
      tf.dispose([r1, r2]);
      m.reset();
      expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
      m.dispose();
      inputs.forEach((x) => tf.dispose(x.filter((t): t is tf.Tensor => t !== undefined)));
    },
  );
});
