// TensorFlow writes, we read: TF1 Saver (every dtype, a > 64 MB variable), a sharded Saver, a
// TF2 tf.train.Checkpoint of a Keras model and optimizer, and a CheckpointManager directory.
// Every key, dtype, shape and byte must be what tf.train.load_checkpoint reads.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  CheckpointReader,
  latestCheckpoint,
  objectGraphPaths,
  readCheckpointState,
  restore,
} from '@tfslim/checkpoint';
import { testBackends } from '@tfslim-internal/testing';
import type { TfCheckpointDump } from './helpers.js';
import { rawBytes, rawStrings, runScript, skipReason, tempDir } from './helpers.js';

const reason = skipReason('TF-written checkpoints');
const maybe = reason === null ? describe : describe.skip;

// 17 M float32 values: 68 MB, beyond 64 MB.
const BIG_ELEMENTS = 17_000_000;

type Dump = Record<'tf1' | 'sharded' | 'tf2' | 'manager', TfCheckpointDump> & {
  sharded: { dataFiles: string[] };
  manager: { kept: string[]; latest: string };
};

async function expectSameAsTf(dump: TfCheckpointDump): Promise<CheckpointReader> {
  const reader = await CheckpointReader.open(dump.prefix);
  const ours = reader.listVariables();
  expect(ours.map((v) => v.name)).toEqual(dump.tensors.map((t) => t.name));
  for (const t of dump.tensors) {
    const info = ours.find((v) => v.name === t.name)!;
    expect({ name: t.name, dtype: info.dtype, shape: info.shape }).toEqual({
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
    });
    const raw = await reader.getRaw(t.name);
    expect(raw.dtype).toBe(t.dtype);
    expect(raw.shape).toEqual(t.shape);
    if (t.strings !== undefined) {
      expect({ name: t.name, strings: rawStrings(raw) }).toEqual({
        name: t.name,
        strings: t.strings,
      });
    } else {
      const theirs = readFileSync(t.file!);
      const mine = rawBytes(raw);
      // Buffer.equals, not toEqual: 68 MB diffs are unreadable; say which tensor differs.
      if (!mine.equals(theirs)) {
        throw new Error(
          `${t.name} (${t.dtype} [${t.shape.join(',')}]): our ${mine.length} bytes differ from TensorFlow's ${theirs.length}`,
        );
      }
    }
  }
  return reader;
}

maybe('TensorFlow writes, tfslim reads', () => {
  const tmp = tempDir('tf-writes');
  let dump: Dump;

  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
    dump = runScript<Dump>('tf_write_checkpoints.py', {
      dir: tmp.path,
      bigElements: BIG_ELEMENTS,
    });
  });
  afterAll(() => tmp.remove());

  it('TF1 Saver: slim names, every dtype, scalars, empty tensors, a 68 MB variable', async () => {
    const d = dump.tf1;
    const dtypes = new Set(d.tensors.map((t) => t.dtype));
    for (const want of [
      'float16',
      'bfloat16',
      'float32',
      'float64',
      'int8',
      'uint8',
      'int16',
      'int32',
      'int64',
      'bool',
      'string',
    ]) {
      expect(dtypes).toContain(want);
    }
    expect(d.tensors.find((t) => t.name === 'big/weights')?.shape).toEqual([BIG_ELEMENTS]);
    expect(d.tensors.some((t) => t.name === 'vgg_16/conv1/conv1_1/weights')).toBe(true);
    await expectSameAsTf(d);
    // The state file TF wrote names the same prefix.
    expect(await latestCheckpoint(`${tmp.path}/tf1`)).toBe(d.prefix);
  });

  it('TF1 Saver: getTensor of slim weights equals the stored float32 values', async () => {
    const reader = await CheckpointReader.open(dump.tf1.prefix);
    const before = tf.memory().numTensors;
    const t = dump.tf1.tensors.find((x) => x.name === 'vgg_16/conv1/conv1_1/weights')!;
    const w = await reader.getTensor(t.name);
    const want = readFileSync(t.file!);
    expect(w.shape).toEqual(t.shape);
    expect(Buffer.from((await w.data<'float32'>()).buffer).equals(want)).toBe(true);
    w.dispose();
    // restore() into a slim-named variable gives the same values.
    const zeros = tf.zeros(t.shape);
    const v = tf.variable(zeros, true, 'interop/conv1_1');
    zeros.dispose();
    await restore(dump.tf1.prefix, { [t.name]: v });
    expect(Buffer.from((await v.data<'float32'>()).buffer).equals(want)).toBe(true);
    v.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('getTensor converts float16, bfloat16, float64 and small ints as tf.cast does, on every backend', async () => {
    const reader = await CheckpointReader.open(dump.tf1.prefix);
    const casts = dump.tf1.tensors.filter((t) => t.cast !== undefined);
    expect(casts.map((t) => t.dtype).sort()).toEqual([
      'bfloat16',
      'float16',
      'float64',
      'int16',
      'int8',
      'uint8',
    ]);
    for (const backend of testBackends()) {
      await selectBackend({ require: backend, env: {} });
      const before = tf.memory().numTensors;
      for (const t of casts) {
        const x = await reader.getTensor(t.name);
        const data = (await x.data()) as Float32Array | Int32Array;
        const mine = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
        x.dispose();
        expect({ backend, name: t.name, dtype: x.dtype }).toEqual({
          backend,
          name: t.name,
          dtype: t.cast!.dtype,
        });
        const theirs = readFileSync(t.cast!.file);
        expect({
          backend,
          name: t.name,
          hex: mine.toString('hex'),
        }).toEqual({
          backend,
          name: t.name,
          hex: theirs.toString('hex'),
        });
      }
      expect(tf.memory().numTensors).toBe(before);
    }
    await selectBackend({ require: 'cpu', env: {} });
  });

  it('sharded Saver: three data files, every tensor from its shard', async () => {
    const d = dump.sharded;
    expect(d.dataFiles).toEqual([
      'model.ckpt-5.data-00000-of-00003',
      'model.ckpt-5.data-00001-of-00003',
      'model.ckpt-5.data-00002-of-00003',
    ]);
    const reader = await expectSameAsTf(d);
    const shards = new Set(d.tensors.map((t) => reader.entry(t.name)?.shardId));
    expect(shards.size).toBe(3);
  });

  it('TF2 tf.train.Checkpoint of a Keras model and its Adam optimizer', async () => {
    const reader = await expectSameAsTf(dump.tf2);
    expect(reader.isObjectBased).toBe(true);
    const names = reader.listVariables().map((v) => v.name);
    // Keras 3 saves the model's weights once, under the optimizer's tracked variables.
    const paths = objectGraphPaths(names);
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        'save_counter',
        'optimizer/_iterations',
        'optimizer/_trainable_variables/0',
      ]),
    );
    for (const [p, key] of Object.entries(paths))
      expect(key).toBe(`${p}/.ATTRIBUTES/VARIABLE_VALUE`);
    expect(Object.keys(paths)).toHaveLength(names.length - 1);
  });

  it('CheckpointManager (max_to_keep=2): latest and the kept list agree with TF', async () => {
    const dir = `${tmp.path}/manager`;
    expect(await latestCheckpoint(dir)).toBe(dump.manager.latest);
    const state = await readCheckpointState(dir);
    expect(state?.allModelCheckpointPaths.map((p) => basename(p))).toEqual(
      dump.manager.kept.map((p) => basename(p)),
    );
    // Opening the directory opens its latest, as tf.train.load_checkpoint(dir) does.
    const reader = await CheckpointReader.open(dir);
    expect(reader.path).toBe(dump.manager.latest);
    await expectSameAsTf(dump.manager);
  });
});
