// restore: partial restores (slim fine-tuning), renamed variables and what is reported.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { getVariablesToRestore, variable, variableScope, VariableStore } from '@tfslim/variables';
import {
  assignFromCheckpointFn,
  CheckpointReader,
  mapVariableNames,
  pathToObjectGraphKey,
  restore,
  RestoreError,
  saveCheckpoint,
  saveSafetensors,
  saveTfjsWeights,
} from './index.js';
import { describeFixtures, fixture, tmpDir } from '../test/helpers.js';
import { testBackends } from '@tfslim-internal/testing';

const values = async (v: tf.Tensor): Promise<number[]> => Array.from(await v.data()) as number[];

/** A small VGG-like set of variables in a store, values filled with `fill + index`. */
function buildNet(store: VariableStore, fill: number, classes = 10): void {
  let k = 0;
  const init = (shape: number[]): tf.Tensor => tf.fill(shape, fill + k++);
  variableScope(
    'vgg_16',
    () => {
      variableScope('conv1', () =>
        variableScope('conv1_1', () => {
          variable('weights', { shape: [3, 3, 3, 4], initializer: init([3, 3, 3, 4]) });
          variable('biases', { shape: [4], initializer: init([4]) });
        }),
      );
      variableScope('fc8', () => {
        variable('weights', { shape: [1, 1, 4, classes], initializer: init([1, 1, 4, classes]) });
        variable('biases', { shape: [classes], initializer: init([classes]) });
      });
    },
    { store },
  );
  variable('global_step', {
    shape: [],
    dtype: 'int32',
    initializer: 1000 + fill,
    trainable: false,
    store,
  });
}

describe.each(testBackends())('restore on %s', (backend) => {
  let dir: string;
  let ckpt: string;
  let src: VariableStore;
  let dst: VariableStore;
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });
  beforeEach(async () => {
    dir = tmpDir('restore');
    src = new VariableStore();
    buildNet(src, 1);
    ckpt = await saveCheckpoint(dir, src.namedVariables(), { globalStep: 1001 });
    dst = new VariableStore();
  });
  afterEach(() => {
    src.dispose();
    dst.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restores everything but fc8 (slim fine-tuning), reports what was unused', async () => {
    buildNet(dst, 100, 5); // new task: 5 classes
    const before = tf.memory().numTensors;
    const report = await restore(ckpt, dst.namedVariables({ exclude: ['vgg_16/fc8'] }));
    expect(tf.memory().numTensors).toBe(before);
    expect(report.restored).toEqual([
      'vgg_16/conv1/conv1_1/weights',
      'vgg_16/conv1/conv1_1/biases',
      'global_step',
    ]);
    expect(report.missing).toEqual([]);
    expect(report.unusedInCheckpoint).toEqual(['vgg_16/fc8/biases', 'vgg_16/fc8/weights']);
    expect(report.shapeMismatches).toEqual([]);
    const v = dst.namedVariables();
    expect((await values(v['vgg_16/conv1/conv1_1/weights']!)).every((x) => x === 1)).toBe(true);
    expect((await values(v['vgg_16/conv1/conv1_1/biases']!)).every((x) => x === 2)).toBe(true);
    expect(await values(v.global_step!)).toEqual([1001]); // int64 in the file -> int32 variable
    expect((await values(v['vgg_16/fc8/weights']!)).every((x) => x === 102)).toBe(true); // untouched
  });

  it('getVariablesToRestore arrays (keyed by tfjs name) work too', async () => {
    const store = new VariableStore();
    buildNet(store, 50);
    // Only in the default engine naming do tfjs names equal slim names; map by store names.
    const vars = getVariablesToRestore({ include: ['vgg_16/conv1'], store });
    const byName = Object.fromEntries(
      Object.entries(store.namedVariables()).filter(([, x]) => vars.includes(x)),
    );
    const report = await restore(ckpt, byName);
    expect(report.restored).toHaveLength(2);
    // The array form keys by `.name`: tfjs variables named like the checkpoint keys.
    const w = tf.variable(tf.zeros([4]), true, `vgg_16/conv1/conv1_1/biases_${backend}`);
    const err = await restore(ckpt, [w]).catch((e: unknown) => e);
    expect((err as RestoreError).missing).toEqual([`vgg_16/conv1/conv1_1/biases_${backend}`]);
    const renamed = mapVariableNames([w], (n) => n.replace(`_${backend}`, ''));
    await restore(ckpt, renamed);
    expect(await values(w)).toEqual([2, 2, 2, 2]);
    w.dispose();
    store.dispose();
  });

  it('restores under other names with mapVariableNames', async () => {
    const store = new VariableStore();
    variableScope(
      'vgg16',
      () =>
        variableScope('conv1', () =>
          variableScope('conv1_1', () => {
            variable('weights', { shape: [3, 3, 3, 4], initializer: 0 });
            variable('biases', { shape: [4], initializer: 0 });
          }),
        ),
      { store },
    );
    const map = mapVariableNames(store.namedVariables(), (n) => n.replace(/^vgg16\//, 'vgg_16/'));
    expect(Object.keys(map)).toEqual([
      'vgg_16/conv1/conv1_1/weights',
      'vgg_16/conv1/conv1_1/biases',
    ]);
    await restore(ckpt, map);
    expect(await values(store.namedVariables()['vgg16/conv1/conv1_1/biases']!)).toEqual([
      2, 2, 2, 2,
    ]);
    // null skips a variable; two names mapping to one checkpoint key is an error.
    expect(
      Object.keys(
        mapVariableNames(store.namedVariables(), (n) => (n.endsWith('weights') ? null : n)),
      ),
    ).toEqual(['vgg16/conv1/conv1_1/biases']);
    expect(() => mapVariableNames(store.namedVariables(), () => 'same')).toThrow(
      /distinct checkpoint names, got "same" twice/,
    );
    store.dispose();
  });

  it('missing variables: an error listing all of them (nothing changed), or skipped with ignoreMissingVars', async () => {
    buildNet(dst, 100);
    const extra = variableScope(
      'extra',
      () => [
        variable('a', { shape: [2], initializer: 5 }),
        variable('b', { shape: [2], initializer: 5 }),
      ],
      { store: dst },
    );
    const err = await restore(ckpt, dst.namedVariables()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestoreError);
    expect((err as RestoreError).missing).toEqual(['extra/a', 'extra/b']);
    expect((err as Error).message).toMatch(
      /2 variable\(s\) missing from the checkpoint: "extra\/a", "extra\/b".*ignoreMissingVars.*No variable was changed/,
    );
    expect(
      (await values(dst.namedVariables()['vgg_16/conv1/conv1_1/biases']!)).every((x) => x === 101),
    ).toBe(true);
    const report = await restore(ckpt, dst.namedVariables(), { ignoreMissingVars: true });
    expect(report.missing).toEqual(['extra/a', 'extra/b']);
    expect(report.restored).toHaveLength(5);
    expect(await values(extra[0]!)).toEqual([5, 5]);
  });

  it('shape mismatches: every one listed with both shapes; reshapeVariables when counts agree', async () => {
    const store = new VariableStore();
    variableScope(
      'vgg_16',
      () => {
        variableScope('conv1', () =>
          variableScope('conv1_1', () => {
            variable('weights', { shape: [27, 4], initializer: 0 }); // same count, other shape
            variable('biases', { shape: [5], initializer: 0 }); // other count
          }),
        );
        variableScope('fc8', () => variable('biases', { shape: [3], initializer: 0 }));
      },
      { store },
    );
    const err = await restore(ckpt, store.namedVariables()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestoreError);
    expect((err as RestoreError).shapeMismatches).toEqual([
      {
        name: 'vgg_16/conv1/conv1_1/weights',
        variableShape: [27, 4],
        checkpointShape: [3, 3, 3, 4],
      },
      { name: 'vgg_16/conv1/conv1_1/biases', variableShape: [5], checkpointShape: [4] },
      { name: 'vgg_16/fc8/biases', variableShape: [3], checkpointShape: [10] },
    ]);
    expect((err as Error).message).toMatch(
      /"vgg_16\/conv1\/conv1_1\/biases" variable \[5\] vs checkpoint \[4\]/,
    );
    const w = store.namedVariables()['vgg_16/conv1/conv1_1/weights']!;
    const report = await restore(
      ckpt,
      { 'vgg_16/conv1/conv1_1/weights': w },
      { reshapeVariables: true },
    );
    expect(report.shapeMismatches).toEqual([
      {
        name: 'vgg_16/conv1/conv1_1/weights',
        variableShape: [27, 4],
        checkpointShape: [3, 3, 3, 4],
      },
    ]);
    expect(w.shape).toEqual([27, 4]);
    expect((await values(w)).every((x) => x === 1)).toBe(true);
    await expect(restore(ckpt, store.namedVariables(), { reshapeVariables: true })).rejects.toThrow(
      /\[5\] vs checkpoint \[4\]/,
    );
    store.dispose();
  });

  it('dtype mismatches are listed; bad arguments say what was expected', async () => {
    const v = tf.variable(tf.zeros([4], 'int32'), true, `int_${backend}`);
    const err = await restore(ckpt, { 'vgg_16/conv1/conv1_1/biases': v }).catch((e: unknown) => e);
    expect((err as RestoreError).dtypeMismatches).toEqual([
      {
        name: 'vgg_16/conv1/conv1_1/biases',
        variableDtype: 'int32',
        checkpointDtype: 'float32 (stored DT_FLOAT)',
      },
    ]);
    const t = tf.zeros([4]);
    await expect(restore(ckpt, { x: t as tf.Variable })).rejects.toThrow(
      /restore: expected a live tf.Variable for "x", got a float32 tensor/,
    );
    tf.dispose([v, t]);
  });

  it('assignFromCheckpointFn returns slim init_fn, or null when nothing is left to restore', async () => {
    buildNet(dst, 100);
    expect(assignFromCheckpointFn(ckpt, {})).toBeNull();
    const lonely = tf.variable(tf.zeros([1]), true, `lonely_${backend}`);
    expect(assignFromCheckpointFn(ckpt, { nope: lonely }, { ignoreMissingVars: true })).toBeNull();
    // Without ignoreMissingVars the check happens when it runs, as in slim.
    const failing = assignFromCheckpointFn(ckpt, { nope: lonely });
    await expect(failing!()).rejects.toBeInstanceOf(RestoreError);
    const initFn = assignFromCheckpointFn(
      dir,
      { ...dst.namedVariables({ exclude: ['vgg_16/fc8'] }), nope: lonely },
      { ignoreMissingVars: true },
    );
    expect(initFn).not.toBeNull();
    const report = await initFn!();
    expect(report.restored).toEqual([
      'vgg_16/conv1/conv1_1/weights',
      'vgg_16/conv1/conv1_1/biases',
      'global_step',
    ]);
    expect(await values(dst.namedVariables().global_step!)).toEqual([1001]);
    lonely.dispose();
  });

  it('large variables (>= 16 MB) give up their old value first; values and tensor counts stay right', async () => {
    const n = 2048 * 2048;
    const data = new Float32Array(n).map((_, i) => (i % 1009) - 504);
    const big = tf.variable(tf.tensor2d(data, [2048, 2048]), true, `big_${backend}`);
    const p = await saveCheckpoint(path.join(dir, 'big'), { big });
    big.assign(tf.fill([2048, 2048], 7));
    const before = tf.memory().numTensors;
    await restore(p, { big });
    expect(tf.memory().numTensors).toBe(before);
    const back = (await big.data()) as Float32Array;
    expect(
      Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(Buffer.from(data.buffer)),
    ).toBe(true);
    big.dispose();
  });

  it('restores from safetensors and tfjs weights files as well', async () => {
    const sv = path.join(dir, 'net.safetensors');
    await saveSafetensors(sv, src.namedVariables({ exclude: ['global_step'] }));
    buildNet(dst, 100);
    const r1 = await restore(sv, dst.namedVariables({ exclude: ['global_step'] }));
    expect(r1.restored).toHaveLength(4);
    expect((await values(dst.namedVariables()['vgg_16/fc8/biases']!)).every((x) => x === 4)).toBe(
      true,
    );
    const json = await saveTfjsWeights(path.join(dir, 'web'), src.namedVariables(), {
      shardBytes: 100,
    });
    const other = new VariableStore();
    buildNet(other, 200);
    const r2 = await restore(json, other.namedVariables());
    expect(r2.restored).toHaveLength(5);
    expect(await values(other.namedVariables().global_step!)).toEqual([1001]);
    expect(
      (await values(other.namedVariables()['vgg_16/conv1/conv1_1/weights']!)).every((x) => x === 1),
    ).toBe(true);
    other.dispose();
  });
});

describeFixtures('restore from TF-written checkpoints', () => {
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
  });

  it('TF1 houseprices: variables of the listed shapes get the stored values', async () => {
    const prefix = fixture('tf1_saver_houseprices', 'model.ckpt');
    const reader = await CheckpointReader.open(prefix);
    const vars: Record<string, tf.Variable> = {};
    for (const v of reader.listVariables())
      vars[v.name] = tf.variable(tf.zeros(v.shape), true, `hp/${v.name}`);
    const report = await restore(prefix, vars);
    expect(report.restored).toHaveLength(34);
    for (const [name, v] of Object.entries(vars)) {
      const raw = (await reader.getRaw(name)).data as Float32Array;
      expect(
        Buffer.from(((await v.data()) as Float32Array).buffer).equals(
          Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength),
        ),
      ).toBe(true);
    }
    tf.dispose(Object.values(vars));
  });

  it('TF2 object-based keys restore through pathToObjectGraphKey', async () => {
    const dir = fixture('tf2_half_plus_two');
    const plain = {
      a: tf.variable(tf.scalar(0)),
      b: tf.variable(tf.scalar(0)),
      c: tf.variable(tf.scalar(0)),
    };
    const report = await restore(
      path.join(dir, 'variables'),
      mapVariableNames(plain, pathToObjectGraphKey),
    );
    expect(report.restored).toEqual([
      'a/.ATTRIBUTES/VARIABLE_VALUE',
      'b/.ATTRIBUTES/VARIABLE_VALUE',
      'c/.ATTRIBUTES/VARIABLE_VALUE',
    ]);
    expect(report.unusedInCheckpoint).toEqual([]); // the object graph itself is not "unused"
    expect([await values(plain.a), await values(plain.b), await values(plain.c)]).toEqual([
      [0.5],
      [2],
      [3],
    ]);
    tf.dispose(Object.values(plain));
  });
});
