// We write, TensorFlow reads: checkpoints from saveCheckpoint (on every backend present) and
// from a short train() run, read by tf.train.latest_checkpoint / list_variables /
// load_checkpoint and restored by a TF1 Saver. Every name, dtype, shape and byte must be ours.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import type { RawTensor, SaveableVariables } from '@tfslim/checkpoint';
import { CheckpointReader, saveCheckpoint } from '@tfslim/checkpoint';
import { fullyConnected } from '@tfslim/layers';
import { createTrainOp, train } from '@tfslim/learning';
import { meanSquaredError } from '@tfslim/losses';
import { VariableStore, variableScope } from '@tfslim/variables';
import { testBackends } from '@tfslim-internal/testing';
import type { TfTensorDump } from './helpers.js';
import { rawBytes, rawStrings, runScript, skipReason, tempDir } from './helpers.js';

const reason = skipReason('checkpoints read by TensorFlow');
const maybe = reason === null ? describe : describe.skip;

interface TfRead {
  latest: string;
  allModelCheckpointPaths: string[];
  tensors: TfTensorDump[];
  restored: TfTensorDump[];
}

/** What we expect TF to read under one name: dtype, shape, bytes or base64 strings. */
interface Expected {
  dtype: string;
  shape: number[];
  bytes?: Buffer;
  strings?: string[];
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function expectedOf(raw: RawTensor): Expected {
  return raw.dtype === 'string'
    ? { dtype: raw.dtype, shape: raw.shape, strings: rawStrings(raw) }
    : { dtype: raw.dtype, shape: raw.shape, bytes: Buffer.from(rawBytes(raw)) };
}

/** Raw tensors of every dtype TF variables hold, scalars and empty ones. */
function rawTensors(): Record<string, RawTensor> {
  return {
    'dtypes/float64': {
      dtype: 'float64',
      shape: [2, 2],
      data: new Float64Array([Math.PI, -1e300, 5e-324, -0]),
    },
    'dtypes/int64': {
      dtype: 'int64',
      shape: [3],
      data: new BigInt64Array([-(2n ** 63n), 2n ** 53n + 1n, 2n ** 63n - 1n]),
    },
    'dtypes/float16': { dtype: 'float16', shape: [3], data: new Uint16Array([0x3c00, 0xfbff, 1]) },
    'dtypes/bfloat16': { dtype: 'bfloat16', shape: [2], data: new Uint16Array([0x3f80, 0xc2f7]) },
    'dtypes/int8': { dtype: 'int8', shape: [3], data: new Int8Array([-128, 0, 127]) },
    'dtypes/uint8': { dtype: 'uint8', shape: [2], data: new Uint8Array([0, 255]) },
    'dtypes/int16': { dtype: 'int16', shape: [2], data: new Int16Array([-32768, 32767]) },
    'dtypes/string': {
      dtype: 'string',
      shape: [3],
      data: [enc(''), enc('slim é'), Uint8Array.from({ length: 256 }, (_, i) => i)],
    },
    'dtypes/scalar_string': { dtype: 'string', shape: [], data: [enc('one')] },
    'dtypes/scalar_int64': { dtype: 'int64', shape: [], data: new BigInt64Array([-7n]) },
    'dtypes/empty_float64': { dtype: 'float64', shape: [0, 3], data: new Float64Array(0) },
  };
}

function compareDump(label: string, dumps: TfTensorDump[], want: Map<string, Expected>): void {
  expect(dumps.map((d) => d.name)).toEqual([...want.keys()].sort());
  for (const d of dumps) {
    const w = want.get(d.name)!;
    expect({ label, name: d.name, dtype: d.dtype, shape: d.shape }).toEqual({
      label,
      name: d.name,
      dtype: w.dtype,
      shape: w.shape,
    });
    if (w.strings !== undefined) {
      expect({ label, name: d.name, strings: d.strings }).toEqual({
        label,
        name: d.name,
        strings: w.strings,
      });
    } else {
      const theirs = readFileSync(d.file!);
      if (!theirs.equals(w.bytes!)) {
        throw new Error(
          `${label}: ${d.name}: TensorFlow read ${theirs.toString('hex').slice(0, 64)}, we wrote ${w.bytes!.toString('hex').slice(0, 64)}`,
        );
      }
    }
  }
}

function model(x: tf.Tensor): tf.Tensor {
  return variableScope('net', () => {
    const h = fullyConnected(x, 4, { scope: 'fc1' });
    return fullyConnected(h, 1, { scope: 'fc2', activation: null });
  });
}

maybe('tfslim writes, TensorFlow reads', () => {
  const tmp = tempDir('we-write');
  const jobs: Array<{ label: string; dir: string }> = [];
  const expected = new Map<string, Map<string, Expected>>();
  const latest = new Map<string, string>();
  let tfRead: Record<string, TfRead>;

  beforeAll(async () => {
    // saveCheckpoint on every backend present: tfjs tensors go through each backend's data().
    for (const backend of testBackends()) {
      await selectBackend({ require: backend, env: {} });
      const dir = join(tmp.path, `save-${backend}`);
      const before = tf.memory().numTensors;
      const init = tf.tidy(() =>
        tf.reshape(tf.sub(tf.mul(tf.range(0, 3 * 3 * 3 * 8, 1, 'float32'), 0.01), 1), [3, 3, 3, 8]),
      );
      const weights = tf.variable(init, true, `vgg_16/conv1/conv1_1/weights_${backend}`);
      init.dispose();
      const biases = tf.tidy(() => tf.tensor1d([0.5, -0.25, 1e-8, -3e38], 'float32'));
      const counts = tf.tensor2d(
        [
          [-2147483648, 0],
          [1, 2147483647],
        ],
        undefined,
        'int32',
      );
      const mask = tf.tensor1d([true, false, true], 'bool');
      const scalar = tf.scalar(1.5);
      const empty = tf.zeros([0, 4]);
      const vars: SaveableVariables = {
        'vgg_16/conv1/conv1_1/weights': weights,
        'vgg_16/conv1/conv1_1/biases': biases,
        'dtypes/int32': counts,
        'dtypes/bool': mask,
        'dtypes/scalar_float': scalar,
        'dtypes/empty_float': empty,
        ...rawTensors(),
      };
      const want = new Map<string, Expected>();
      const f32 = (t: tf.Tensor): Expected => ({
        dtype: 'float32',
        shape: t.shape,
        bytes: Buffer.from(Float32Array.from(t.dataSync() as Float32Array).buffer),
      });
      want.set('vgg_16/conv1/conv1_1/weights', f32(weights));
      want.set('vgg_16/conv1/conv1_1/biases', f32(biases));
      want.set('dtypes/scalar_float', f32(scalar));
      want.set('dtypes/empty_float', f32(empty));
      want.set('dtypes/int32', {
        dtype: 'int32',
        shape: [2, 2],
        bytes: Buffer.from(new Int32Array([-2147483648, 0, 1, 2147483647]).buffer),
      });
      want.set('dtypes/bool', { dtype: 'bool', shape: [3], bytes: Buffer.from([1, 0, 1]) });
      for (const [name, raw] of Object.entries(rawTensors())) want.set(name, expectedOf(raw));
      want.set('global_step', {
        dtype: 'int64',
        shape: [],
        bytes: Buffer.from(new BigInt64Array([42n]).buffer),
      });
      latest.set(backend, await saveCheckpoint(dir, vars, { globalStep: 42 }));
      for (const t of [weights, biases, counts, mask, scalar, empty]) t.dispose();
      expect(tf.memory().numTensors).toBe(before);
      jobs.push({ label: `save-${backend}`, dir });
      expected.set(`save-${backend}`, want);
    }

    // A short train() run (cpu): Momentum slots, global_step, maxToKeep 2.
    await selectBackend({ require: 'cpu', env: {} });
    const store = new VariableStore();
    const op = createTrainOp(
      (_l, x: tf.Tensor, y: tf.Tensor) => meanSquaredError(model(x), y),
      tf.train.momentum(0.05, 0.9),
      { store },
    );
    const x = tf.tensor2d([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [2, 1],
      [-1, 2],
    ]);
    const y = tf.tensor2d([[1], [3], [-2], [0], [2], [-7]]);
    const dir = join(tmp.path, 'train');
    const result = await train(op, dir, {
      data: (function* (): Generator<[tf.Tensor, tf.Tensor]> {
        for (;;) yield [x, y];
      })(),
      numberOfSteps: 7,
      saveIntervalSteps: 3,
      saveSummariesSteps: 100,
      maxToKeep: 2,
      progress: 'none',
      log: () => undefined,
    });
    // Our values: the model's variables from the store, everything else as our reader has it.
    const want = new Map<string, Expected>();
    const reader = await CheckpointReader.open(result.lastCheckpoint!);
    for (const v of reader.listVariables())
      want.set(v.name, expectedOf(await reader.getRaw(v.name)));
    for (const [name, v] of Object.entries(store.namedVariables())) {
      if (name === 'global_step') continue; // int32 here, int64 in the file: checked below
      const w = want.get(name);
      expect(w).toBeDefined();
      expect(w!.bytes!.equals(Buffer.from((v.dataSync() as Float32Array).slice().buffer))).toBe(
        true,
      );
    }
    expect(
      want.get('global_step')!.bytes!.equals(Buffer.from(new BigInt64Array([7n]).buffer)),
    ).toBe(true);
    x.dispose();
    y.dispose();
    op.dispose();
    latest.set('train', result.lastCheckpoint!);
    jobs.push({ label: 'train', dir });
    expected.set('train', want);

    tfRead = runScript<Record<string, TfRead>>('tf_read_checkpoints.py', {
      checkpoints: jobs,
      rawDir: join(tmp.path, 'raw'),
    });
  });
  afterAll(() => tmp.remove());

  it('tf.train.latest_checkpoint and list_variables name what we saved', () => {
    for (const { label } of jobs) {
      const r = tfRead[label]!;
      const backendOrTrain = label.replace(/^save-/, '');
      expect({ label, latest: r.latest }).toEqual({ label, latest: latest.get(backendOrTrain) });
    }
    // maxToKeep 2 of train's checkpoints at steps 0, 3, 6, 7: TF sees the last two.
    expect(tfRead.train!.allModelCheckpointPaths.map((p) => p.replace(/.*\//, ''))).toEqual([
      'model.ckpt-6',
      'model.ckpt-7',
    ]);
  });

  it('tf.train.load_checkpoint reads every value bitwise as we wrote it', () => {
    for (const { label } of jobs) compareDump(label, tfRead[label]!.tensors, expected.get(label)!);
  });

  it('tf.compat.v1.train.Saver().restore gives every value bitwise', () => {
    for (const { label } of jobs) compareDump(label, tfRead[label]!.restored, expected.get(label)!);
  });

  it('the train() checkpoint holds the model, its Momentum slots and global_step', () => {
    expect([...expected.get('train')!.keys()].sort()).toEqual([
      'global_step',
      'net/fc1/biases',
      'net/fc1/biases/Momentum',
      'net/fc1/weights',
      'net/fc1/weights/Momentum',
      'net/fc2/biases',
      'net/fc2/biases/Momentum',
      'net/fc2/weights',
      'net/fc2/weights/Momentum',
    ]);
  });
});
