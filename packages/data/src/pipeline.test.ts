// The pipeline as a user builds it: stages, bad input (typed errors or skips with a count),
// no tensor leaks, and train() fed by TFRecords of PNGs for a few steps.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { fullyConnected } from '@tfslim/layers';
import { createTrainOp, evaluateOnce, train } from '@tfslim/learning';
import { sparseSoftmaxCrossEntropy } from '@tfslim/losses';
import { MemoryFileStore } from '@tfslim/storage';
import { VariableStore, variableScope, withVariableStore } from '@tfslim/variables';
import { encodeExample, encodeTFRecords, frameRecords } from '@tfslim/wire-formats';
import { PNG } from 'pngjs';
import {
  Dataset,
  type DataError,
  decodeImage,
  fixedLen,
  parseExample,
  puller,
  seededRandom,
  SkippedErrors,
  tfrecordDataset,
  vggPreprocess,
  type TFRecord,
} from './index';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

function png(h: number, w: number, seed: number): Uint8Array {
  const img = new PNG({ width: w, height: h });
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 31 + seed * 17) & 0xff;
  return new Uint8Array(PNG.sync.write(img));
}

const SPEC = {
  'image/encoded': fixedLen([], 'string'),
  'image/class/label': fixedLen([], 'int64'),
};

async function collect<T>(ds: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of ds) out.push(x);
  return out;
}

describe('Dataset stages', () => {
  it('shuffles reproducibly with a seed, as a permutation, anew each iteration', async () => {
    const ds = Dataset.from(Array.from({ length: 20 }, (_, i) => i)).shuffle(8, { seed: 3 });
    const a = await collect(ds);
    const b = await collect(
      Dataset.from(Array.from({ length: 20 }, (_, i) => i)).shuffle(8, { seed: 3 }),
    );
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await collect(ds)).not.toEqual(a);
  });

  it('batches tensors and numbers, dropping the remainder when asked', async () => {
    const before = tf.memory().numTensors;
    const ds = Dataset.from(() =>
      [0, 1, 2, 3, 4].map((i) => [tf.fill([2], i), i] as [tf.Tensor, number]),
    );
    const kept = await collect(ds.batch(2));
    expect(kept.map(([x]) => x.shape)).toEqual([
      [2, 2],
      [2, 2],
      [1, 2],
    ]);
    expect(await kept[2]![1].array()).toEqual([4]);
    expect(kept[0]![1].dtype).toBe('int32');
    tf.dispose(kept.flat());
    const dropped = await collect(ds.batch(2, { dropRemainder: true }));
    expect(dropped).toHaveLength(2);
    tf.dispose(dropped.flat());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('maps in parallel keeping order, repeats, takes', async () => {
    const delays = [30, 1, 20, 5, 0];
    const ds = Dataset.from(delays)
      .map((d) => new Promise<number>((res) => setTimeout(() => res(d), d)), {
        numParallelCalls: 4,
      })
      .repeat(2)
      .take(7);
    expect(await collect(ds)).toEqual([...delays, ...delays].slice(0, 7));
  });

  it('disposes the tensors in shuffle, map and prefetch buffers when the consumer stops early', async () => {
    const before = tf.memory().numTensors;
    const ds = Dataset.from(() => Array.from({ length: 50 }, (_, i) => i))
      .map((i) => tf.scalar(i), { numParallelCalls: 3 })
      .shuffle(10, { seed: 1 })
      .prefetch(4);
    let n = 0;
    for await (const t of ds) {
      t.dispose();
      if (++n === 5) break;
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('bad input', () => {
  const store = new MemoryFileStore();
  beforeAll(async () => {
    await store.mkdir('/d');
    const good = (label: number, image: Uint8Array) =>
      encodeExample({
        'image/encoded': { kind: 'bytes', values: [image] },
        'image/class/label': { kind: 'int64', values: [label] },
      });
    await store.writeFile(
      '/d/mixed.tfrecord',
      await encodeTFRecords([
        good(1, png(4, 5, 1)),
        good(2, Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2, 3)), // a JPEG that ends at once
        encodeExample({ 'image/encoded': { kind: 'bytes', values: [png(4, 5, 2)] } }), // no label
        good(2 ** 40, png(4, 5, 3)), // beyond int32
        good(0, png(4, 5, 4)),
      ]),
    );
    const framed = frameRecords([good(7, png(4, 5, 5)), good(8, png(4, 5, 6))]);
    await store.writeFile('/d/cut.tfrecord', framed.subarray(0, framed.length - 5));
  });

  const decode = async (r: TFRecord) => {
    const ex = parseExample(r, SPEC);
    try {
      const img = await decodeImage(ex['image/encoded'], {
        where: { file: r.file, recordIndex: r.index, feature: 'image/encoded' },
      });
      return [img, ex['image/class/label']] as const;
    } catch (e) {
      ex['image/class/label'].dispose();
      throw e;
    }
  };

  it('names the file, record and feature of each problem', async () => {
    const errors: DataError[] = [];
    for (const r of await collect(tfrecordDataset('/d/mixed.tfrecord', { store }))) {
      try {
        tf.dispose([...(await decode(r))]);
      } catch (e) {
        errors.push(e as DataError);
      }
    }
    expect(errors.map((e) => [e.code, e.file, e.recordIndex, e.feature])).toEqual([
      ['CORRUPT_IMAGE', '/d/mixed.tfrecord', 1, 'image/encoded'],
      ['MISSING_FEATURE', '/d/mixed.tfrecord', 2, 'image/class/label'],
      ['INT64_OVERFLOW', '/d/mixed.tfrecord', 3, 'image/class/label'],
    ]);
    expect(errors[0]!.message).toMatch(
      /^decodeImage: expected a JPEG or PNG image \(feature 'image\/encoded' record 1 of \/d\/mixed.tfrecord\), got a jpeg that does not decode/,
    );
    const cut = await collect(tfrecordDataset('/d/cut.tfrecord', { store })).catch(
      (e: unknown) => e,
    );
    expect(cut).toMatchObject({
      name: 'DataError',
      code: 'BAD_RECORD',
      file: '/d/cut.tfrecord',
      recordIndex: 1,
    });
  });

  it("skips bad elements with onError: 'skip' and counts them, leaking nothing", async () => {
    const before = tf.memory().numTensors;
    const skipped = new SkippedErrors();
    const ds = tfrecordDataset(['/d/mixed.tfrecord', '/d/cut.tfrecord'], {
      store,
      onError: 'skip',
      skipped,
    })
      .map(decode, { onError: 'skip', skipped, numParallelCalls: 2 })
      .map(([img, label]) => {
        const x = vggPreprocess(img, { outputHeight: 2, outputWidth: 2, resizeSideMin: 3 });
        img.dispose();
        return [x, label] as const;
      });
    const got = await collect(ds);
    expect(got.map(([, l]) => l.arraySync())).toEqual([1, 0, 7]);
    expect(skipped.count).toBe(4);
    expect(skipped.recent.map((e) => e.code)).toEqual([
      'CORRUPT_IMAGE',
      'MISSING_FEATURE',
      'INT64_OVERFLOW',
      'BAD_RECORD',
    ]);
    tf.dispose(got.flat());
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('feeding train() and evaluateOnce()', () => {
  it('trains a small classifier for a few steps from TFRecords of PNGs, then evaluates it', async () => {
    const store = new MemoryFileStore();
    await store.mkdir('/data');
    for (let s = 0; s < 2; s++) {
      const payloads = [0, 1, 2, 3, 4].map((i) =>
        encodeExample({
          'image/encoded': { kind: 'bytes', values: [png(12 + i, 10 + s, i + 5 * s)] },
          'image/format': { kind: 'bytes', values: ['png'] },
          'image/class/label': { kind: 'int64', values: [(i + s) % 3] },
        }),
      );
      await store.writeFile(
        `/data/train-0000${s}-of-00002`,
        await encodeTFRecords(payloads, { compression: 'GZIP' }),
      );
    }
    const rng = seededRandom(0);
    const images = tfrecordDataset('/data/train-*-of-00002', { store, compression: 'GZIP' })
      .map(
        async (r) => {
          const ex = parseExample(r, SPEC);
          const img = await decodeImage(ex['image/encoded']);
          const x = vggPreprocess(img, {
            isTraining: true,
            outputHeight: 8,
            outputWidth: 8,
            resizeSideMin: 8,
            resizeSideMax: 10,
            rng,
          });
          img.dispose();
          return [x, ex['image/class/label']] as [tf.Tensor, tf.Tensor];
        },
        { numParallelCalls: 2 },
      )
      .shuffle(10, { seed: 1 })
      .batch(4, { dropRemainder: true })
      .repeat()
      .prefetch(2);
    const vars = new VariableStore();
    const model = (x: tf.Tensor) =>
      variableScope('net', () =>
        fullyConnected(tf.reshape(tf.div(x, 255), [-1, 8 * 8 * 3]), 3, {
          scope: 'logits',
          activation: null,
        }),
      );
    const op = createTrainOp(
      (_l, x: tf.Tensor, y: tf.Tensor) => sparseSoftmaxCrossEntropy(model(x), y),
      tf.train.sgd(0.1),
      { store: vars },
    );
    const before = tf.memory().numTensors;
    const result = await train(op, '/logs', {
      data: images,
      numberOfSteps: 4,
      fileStore: store,
      log: null,
      saveIntervalSteps: 4,
    });
    expect(result.steps).toBe(4);
    expect(Number.isFinite(result.finalLoss)).toBe(true);
    expect(result.lastCheckpoint).not.toBeNull();

    const batches = puller(images);
    let seen = 0;
    await evaluateOnce(result.lastCheckpoint!, '/logs/eval', {
      numEvals: 2,
      store: vars,
      fileStore: store,
      log: null,
      evalOp: async () => {
        const [x, y] = await batches.next();
        seen += y.shape[0];
        tf.dispose([withVariableStore(vars, () => model(x)), x, y]);
      },
      finalOp: () => seen,
    });
    await batches.close();
    expect(seen).toBe(8);
    // Only the variables made by the first step (weights, biases, optimizer state) remain.
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(vars.getVariables().length + 4);
  }, 60_000);
});
