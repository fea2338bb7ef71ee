// Checkpoints in a FileStore other than the disk: the memory store writes byte for byte what
// the Node store writes, and saves, restores and lists without the file system.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import type { FileStore } from '@tfslim/storage';
import { MemoryFileStore, NodeFileStore } from '@tfslim/storage';
import {
  SafetensorsReader,
  TfjsWeightsReader,
  assignFromCheckpointFn,
  latestCheckpoint,
  openTensorSource,
  restore,
  saveCheckpoint,
  saveSafetensors,
  saveTfjsWeights,
} from './index.js';
import { tmpDir } from '../test/helpers.js';

describe.each(['cpu', 'wasm'] as const)('checkpoints in a MemoryFileStore on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it('writes the same bundle bytes as the Node store', async () => {
    const w = tf.variable(
      tf.tensor2d([
        [1.5, -2],
        [3, 4.25],
      ]),
      true,
      `sw_${backend}`,
    );
    const k = tf.variable(tf.tensor1d([7, -8], 'int32'), true, `sk_${backend}`);
    const mem = new MemoryFileStore();
    const dir = tmpDir('store');
    const pm = await saveCheckpoint('/train', { w, k }, { globalStep: 3, store: mem });
    const pn = await saveCheckpoint(dir, { w, k }, { globalStep: 3 });
    expect(pm).toBe('/train/model.ckpt-3');
    for (const suffix of ['.index', '.data-00000-of-00001']) {
      expect(
        Buffer.from(await mem.readFile(pm + suffix)).equals(fs.readFileSync(pn + suffix)),
      ).toBe(true);
    }
    expect(fs.existsSync('/train')).toBe(false);
    w.dispose();
    k.dispose();
  });

  it('saves, keeps maxToKeep, finds the latest and restores exact values', async () => {
    const store = new MemoryFileStore();
    const w = tf.variable(tf.tensor1d([1, 2, 3]), true, `mw_${backend}`);
    const before = tf.memory().numTensors;
    for (const step of [1, 2, 3]) {
      tf.tidy(() => w.assign(tf.tensor1d([step, step * 10, -step])));
      await saveCheckpoint('/run', { w }, { globalStep: step, maxToKeep: 2, store });
    }
    expect(await store.list('/run')).toEqual([
      'checkpoint',
      'model.ckpt-2.data-00000-of-00001',
      'model.ckpt-2.index',
      'model.ckpt-3.data-00000-of-00001',
      'model.ckpt-3.index',
    ]);
    const latest = await latestCheckpoint('/run', { store });
    expect(latest).toBe('/run/model.ckpt-3');
    tf.tidy(() => w.assign(tf.zeros([3])));
    const report = await restore('/run', { w }, { store });
    expect(report.restored).toEqual(['w']);
    expect(Array.from(await w.data())).toEqual([3, 30, -3]);
    const src = await openTensorSource('/run/model.ckpt-2', { store });
    const g = await src.getTensor('global_step');
    expect(g.dtype).toBe('int32');
    expect(Array.from(await g.data())).toEqual([2]);
    g.dispose();
    const init = assignFromCheckpointFn(
      '/run',
      { w, missing: w },
      { ignoreMissingVars: true, store },
    );
    expect(init).not.toBeNull();
    expect((await init!()).restored).toEqual(['w']);
    expect(tf.memory().numTensors).toBe(before);
    await expect(restore('/nowhere/model.ckpt-1', { w }, { store })).rejects.toThrow(
      /no such file/,
    );
    w.dispose();
  });

  it('writes and reads safetensors and tfjs weights', async () => {
    const store = new MemoryFileStore();
    const t = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    await saveSafetensors('/out/m.safetensors', { t }, { store });
    const st = await SafetensorsReader.open('/out/m.safetensors', { store });
    const a = await st.getTensor('t');
    expect(Array.from(await a.data())).toEqual([1, 2, 3, 4]);
    const json = await saveTfjsWeights('/web', { t }, { store, shardBytes: 8 });
    expect(json).toBe('/web/model.json');
    const tw = await TfjsWeightsReader.open(json, { store });
    const b = await tw.getTensor('t');
    expect(Array.from(await b.data())).toEqual([1, 2, 3, 4]);
    expect(await store.list('/web')).toEqual([
      'group1-shard1of2.bin',
      'group1-shard2of2.bin',
      'model.json',
    ]);
    tf.dispose([t, a, b]);
  });
});

it('assignFromCheckpointFn names what a store without synchronous reads lacks', async () => {
  const node = new NodeFileStore();
  const asyncOnly: FileStore = {
    kind: 'async-only',
    path: node.path,
    mkdir: (d) => node.mkdir(d),
    readFile: (f) => node.readFile(f),
    writeFile: (f, b) => node.writeFile(f, b),
    open: (f, flags) => node.open(f, flags),
    rename: (a, b) => node.rename(a, b),
    remove: (f) => node.remove(f),
    list: (d) => node.list(d),
    stat: (p) => node.stat(p),
    syncDir: (d) => node.syncDir(d),
  };
  await selectBackend({ require: 'cpu', env: {} });
  const dir = tmpDir('async-store');
  const w = tf.variable(tf.tensor1d([4, 5]), true, 'async_w');
  const prefix = await saveCheckpoint(dir, { w }, { store: asyncOnly });
  expect(prefix).toBe(path.join(dir, 'model.ckpt'));
  expect(() =>
    assignFromCheckpointFn(dir, { w }, { ignoreMissingVars: true, store: asyncOnly }),
  ).toThrow(
    'assignFromCheckpointFn: expected a store with synchronous reads (store.sync), got the async-only store without one.',
  );
  w.assign(tf.zeros([2]));
  await restore(dir, { w }, { store: asyncOnly });
  expect(Array.from(await w.data())).toEqual([4, 5]);
  w.dispose();
});
