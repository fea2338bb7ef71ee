// saveCheckpoint: files TF reads back, int64 global steps, values snapshotted when called.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  CheckpointReader,
  latestCheckpoint,
  readCheckpointState,
  saveCheckpoint,
} from './index.js';
import { describeFixtures, fixture, tmpDir } from '../test/helpers.js';
import { testBackends } from '@tfslim-internal/testing';

const exists = (p: string): boolean => fs.existsSync(p);

describe.each(testBackends())('saveCheckpoint on %s', (backend) => {
  let dir: string;
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });
  beforeEach(() => {
    dir = tmpDir('save');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes model.ckpt-<step> readable back, global_step as int64, and the state file', async () => {
    const w = tf.variable(
      tf.tensor2d([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      true,
      `w_${backend}_1`,
    );
    const b = tf.variable(tf.tensor1d([0.5, -0.5]), true, `b_${backend}_1`);
    const before = tf.memory().numTensors;
    const prefix = await saveCheckpoint(dir, [w, b], { globalStep: 100 });
    expect(tf.memory().numTensors).toBe(before);
    expect(prefix).toBe(path.join(path.resolve(dir), 'model.ckpt-100'));
    const r = await CheckpointReader.open(prefix);
    expect(r.listVariables()).toEqual([
      { name: `b_${backend}_1`, dtype: 'float32', tfDtype: 'DT_FLOAT', shape: [2] },
      { name: 'global_step', dtype: 'int64', tfDtype: 'DT_INT64', shape: [] },
      { name: `w_${backend}_1`, dtype: 'float32', tfDtype: 'DT_FLOAT', shape: [2, 3] },
    ]);
    expect(Array.from((await r.getRaw(`w_${backend}_1`)).data as Float32Array)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(Array.from((await r.getRaw('global_step')).data as BigInt64Array)).toEqual([100n]);
    const text = fs.readFileSync(path.join(dir, 'checkpoint'), 'utf8');
    expect(text).toMatch(
      /^model_checkpoint_path: "model.ckpt-100"\nall_model_checkpoint_paths: "model.ckpt-100"\nall_model_checkpoint_timestamps: \d+(\.\d+)?\n$/,
    );
    expect(await latestCheckpoint(dir)).toBe(prefix);
    // No temporary files left.
    expect(fs.readdirSync(dir).sort()).toEqual([
      'checkpoint',
      'model.ckpt-100.data-00000-of-00001',
      'model.ckpt-100.index',
    ]);
    tf.dispose([w, b]);
  });

  it('takes a {name: tensor} map; an int32 global_step variable and int64Names are written as int64', async () => {
    const step = tf.variable(tf.scalar(7, 'int32'), false, `gs_${backend}`);
    const counts = tf.tensor1d([1, 2], 'int32');
    const flags = tf.tensor1d([true, false], 'bool');
    const words = tf.tensor1d(['a', 'bé'], 'string');
    const prefix = await saveCheckpoint(
      dir,
      {
        global_step: step,
        'x/counts': counts,
        'x/flags': flags,
        'x/words': words,
        'x/kept32': counts,
      },
      { globalStep: step, int64Names: ['global_step', 'x/counts'] },
    );
    expect(path.basename(prefix)).toBe('model.ckpt-7');
    const r = await CheckpointReader.open(prefix);
    const dtypes = Object.fromEntries(r.listVariables().map((v) => [v.name, v.dtype]));
    expect(dtypes).toEqual({
      global_step: 'int64',
      'x/counts': 'int64',
      'x/flags': 'bool',
      'x/words': 'string',
      'x/kept32': 'int32',
    });
    const s = await r.getTensor('x/words');
    expect(await s.data()).toEqual(['a', 'bé']);
    tf.dispose([s, step, counts, flags, words]);
  });

  it('snapshots values when called: an assign during the save does not leak into the file', async () => {
    const v = tf.variable(tf.fill([1000], 1), true, `snap_${backend}`);
    const pending = saveCheckpoint(dir, [v], { globalStep: 1 });
    v.assign(tf.fill([1000], 2));
    const r = await CheckpointReader.open(await pending);
    const d = (await r.getRaw(`snap_${backend}`)).data as Float32Array;
    expect(d.every((x) => x === 1)).toBe(true);
    v.dispose();
  });

  it('keeps the newest maxToKeep, deleting older files only after the new state is written', async () => {
    const v = tf.variable(tf.zeros([4]), true, `keep_${backend}`);
    for (let step = 1; step <= 7; step++) {
      v.assign(tf.fill([4], step));
      await saveCheckpoint(dir, { v }, { globalStep: step, maxToKeep: 3 });
    }
    const state = await readCheckpointState(dir);
    expect(state?.modelCheckpointPath).toBe('model.ckpt-7');
    expect(state?.allModelCheckpointPaths).toEqual([
      'model.ckpt-5',
      'model.ckpt-6',
      'model.ckpt-7',
    ]);
    expect(state?.allModelCheckpointTimestamps).toHaveLength(3);
    for (let step = 1; step <= 7; step++) {
      expect(exists(path.join(dir, `model.ckpt-${step}.index`))).toBe(step >= 5);
      expect(exists(path.join(dir, `model.ckpt-${step}.data-00000-of-00001`))).toBe(step >= 5);
    }
    const r = await CheckpointReader.open(dir);
    expect(Array.from((await r.getRaw('v')).data as Float32Array)).toEqual([7, 7, 7, 7]);
    // maxToKeep 0 keeps everything.
    for (let step = 8; step <= 9; step++)
      await saveCheckpoint(dir, { v }, { globalStep: step, maxToKeep: 0 });
    expect((await readCheckpointState(dir))?.allModelCheckpointPaths).toEqual([
      'model.ckpt-5',
      'model.ckpt-6',
      'model.ckpt-7',
      'model.ckpt-8',
      'model.ckpt-9',
    ]);
    v.dispose();
  });

  it('saving the same step again replaces it and lists it once', async () => {
    const v = tf.variable(tf.zeros([2]), true, `again_${backend}`);
    await saveCheckpoint(dir, { v }, { globalStep: 3 });
    v.assign(tf.ones([2]));
    await saveCheckpoint(dir, { v }, { globalStep: 3 });
    expect((await readCheckpointState(dir))?.allModelCheckpointPaths).toEqual(['model.ckpt-3']);
    const r = await CheckpointReader.open(dir);
    expect(Array.from((await r.getRaw('v')).data as Float32Array)).toEqual([1, 1]);
    v.dispose();
  });

  it('concurrent saves into one directory are serialized and all recorded', async () => {
    const v = tf.variable(tf.zeros([2]), true, `conc_${backend}`);
    await Promise.all(
      [1, 2, 3, 4].map((s) => saveCheckpoint(dir, { v }, { globalStep: s, maxToKeep: 10 })),
    );
    expect((await readCheckpointState(dir))?.allModelCheckpointPaths).toEqual([
      'model.ckpt-1',
      'model.ckpt-2',
      'model.ckpt-3',
      'model.ckpt-4',
    ]);
    v.dispose();
  });

  it('a damaged state file does not stop saving; it is rewritten', async () => {
    fs.writeFileSync(path.join(dir, 'checkpoint'), 'model_checkpoint_path: "unterminated\n');
    const prefix = await saveCheckpoint(dir, { x: tf.scalar(1) }, { globalStep: 2 });
    expect(await latestCheckpoint(dir)).toBe(prefix);
  });

  it('bad arguments are rejected with the expected/got/fix message and nothing written', async () => {
    const t = tf.scalar(1);
    await expect(saveCheckpoint(dir, [t as unknown as tf.Variable])).rejects.toThrow(
      /saveCheckpoint: expected an array of live tf.Variable, got a float32 tensor at index 0/,
    );
    await expect(saveCheckpoint(dir, { a: 3 as unknown as tf.Tensor })).rejects.toThrow(
      /expected a tensor, variable or raw tensor for "a", got number/,
    );
    await expect(saveCheckpoint(dir, { a: t }, { maxToKeep: -1 })).rejects.toThrow(/maxToKeep/);
    await expect(saveCheckpoint(dir, { a: t }, { prefix: 'a/b' })).rejects.toThrow(
      /without slashes/,
    );
    await expect(saveCheckpoint(dir, { a: t }, { globalStep: 1.5 })).rejects.toThrow(
      /globalStep a non-negative integer, got 1.5/,
    );
    const gone = tf.scalar(2);
    gone.dispose();
    await expect(saveCheckpoint(dir, { gone })).rejects.toThrow(/got a disposed float32 tensor/);
    expect(fs.readdirSync(dir)).toEqual([]);
    t.dispose();
  });

  it('without globalStep writes <prefix> and no global_step', async () => {
    const prefix = await saveCheckpoint(dir, { a: tf.scalar(1) }, { prefix: 'weights' });
    expect(path.basename(prefix)).toBe('weights');
    expect((await CheckpointReader.open(prefix)).listVariables().map((v) => v.name)).toEqual(['a']);
  });
});

describeFixtures('saveCheckpoint beside TF-written checkpoints', () => {
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
  });

  it('keeps a TF2 CheckpointManager list (and its timestamps) and trims it by maxToKeep', async () => {
    const dir = tmpDir('mgr');
    for (const f of fs.readdirSync(fixture('tf2_ckpt_manager_comp'))) {
      if (f !== 'SOURCE.txt')
        fs.copyFileSync(fixture('tf2_ckpt_manager_comp', f), path.join(dir, f));
    }
    await saveCheckpoint(
      dir,
      { x: tf.scalar(1) },
      { globalStep: 11, prefix: 'ckpt', maxToKeep: 3 },
    );
    const state = await readCheckpointState(dir);
    expect(state?.allModelCheckpointPaths).toEqual(['ckpt-10', 'ckpt-1', 'ckpt-11']);
    expect(state?.allModelCheckpointTimestamps.slice(0, 2)).toEqual([
      1757461320.2403755, 1757465538.6608334,
    ]);
    expect(state?.lastPreservedTimestamp).toBe(1757459281.8194308);
    expect(exists(path.join(dir, 'ckpt-9.index'))).toBe(false);
    expect(exists(path.join(dir, 'ckpt-9.data-00000-of-00001'))).toBe(false);
    expect(exists(path.join(dir, 'ckpt-10.index'))).toBe(true);
    fs.rmSync(dir, { recursive: true });
  });
});
