// initFromCheckpoint fails like TF on a missing tensor or a scope with no variable.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { RestoreError } from '@tfslim/checkpoint';
import { VariableStore } from '@tfslim/variables';
import { runPython, tfUnavailableReason } from '@tfslim-internal/testing';
import { LearningError, initFromCheckpoint, type AssignmentMap } from './index.js';

// TF writes a checkpoint, then runs tf.compat.v1.train.init_from_checkpoint on each case in a
// fresh graph; we run initFromCheckpoint on the same checkpoint and compare every value.
const CKPT_VARS: Record<string, number[]> = {
  'old/a/w': [1, 2],
  'old/b': [3, 4, 5],
  'old/c/w': [8, 9],
  root_v: [7],
};

interface Case {
  title: string;
  /** The current model's variables: name -> length. */
  vars: Record<string, number>;
  /** Checkpoint key -> current name or scope, or { var: name } for the variable itself. */
  map: Record<string, string | { var: string }>;
}

const CASES: Case[] = [
  {
    title: "scope to scope: {'old/': 'new/'}",
    vars: { 'new/a/w': 2, 'new/b': 3, 'new/c/w': 2, other: 1 },
    map: { 'old/': 'new/' },
  },
  {
    title: "checkpoint root into a scope: {'/': 'top/'}",
    vars: { 'top/old/b': 3, 'top/root_v': 1 },
    map: { '/': 'top/' },
  },
  {
    title: "a checkpoint scope into the root: {'old/': '/'}",
    vars: { 'a/w': 2, b: 3 },
    map: { 'old/': '/' },
  },
  {
    title: 'variable to variable, by name and by object',
    vars: { 'x/y': 2, 'z/q': 3, untouched: 2 },
    map: { 'old/c/w': 'x/y', 'old/b': { var: 'z/q' } },
  },
];

const SCRIPT = `
import json, sys, tempfile, os
import numpy as np
import tensorflow as tf
inp = json.load(sys.stdin)
v1 = tf.compat.v1
d = inp['dir']
with tf.Graph().as_default():
    vs = [v1.get_variable(n, initializer=np.array(x, np.float32)) for n, x in inp['ckpt'].items()]
    with v1.Session() as s:
        s.run(v1.global_variables_initializer())
        ckpt = v1.train.Saver().save(s, os.path.join(d, 'model.ckpt'))
out = []
for case in inp['cases']:
    with tf.Graph().as_default():
        made = {n: v1.get_variable(n, shape=[k], initializer=v1.zeros_initializer()) for n, k in case['vars'].items()}
        amap = {k: (made[v['var']] if isinstance(v, dict) else v) for k, v in case['map'].items()}
        v1.train.init_from_checkpoint(ckpt, amap)
        with v1.Session() as s:
            s.run(v1.global_variables_initializer())
            out.append({n: s.run(v).tolist() for n, v in made.items()})
print(json.dumps({'ckpt': ckpt, 'values': out}))
`;

const reason = tfUnavailableReason();
const run = reason === null ? describe : describe.skip;
if (reason !== null) console.warn(`initFromCheckpoint TF oracle skipped: ${reason}`);

run('initFromCheckpoint matches tf.compat.v1.train.init_from_checkpoint', () => {
  let dir: string;
  let tfOut: { ckpt: string; values: Array<Record<string, number[]>> };
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-init-from-ckpt-'));
    tfOut = runPython(SCRIPT, { dir, ckpt: CKPT_VARS, cases: CASES });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function build(c: Case): VariableStore {
    const store = new VariableStore();
    for (const [name, k] of Object.entries(c.vars)) store.createVariable(name, () => tf.zeros([k]));
    return store;
  }

  it.each(CASES.map((c, i) => [c.title, i] as const))('%s', async (_title, i) => {
    const c = CASES[i] as Case;
    const store = build(c);
    try {
      const map: Record<string, string | tf.Variable> = {};
      for (const [k, v] of Object.entries(c.map))
        map[k] = typeof v === 'string' ? v : store.get(v.var)!;
      await initFromCheckpoint(tfOut.ckpt, map as AssignmentMap, { store });
      const ours: Record<string, number[]> = {};
      for (const [name, v] of Object.entries(store.namedVariables()))
        ours[name] = Array.from(await v.data());
      expect(ours).toEqual(tfOut.values[i]);
    } finally {
      store.dispose();
    }
  });

  it('fails like TF on a tensor the checkpoint lacks, and on a scope with no variable', async () => {
    const store = build({ title: '', vars: { 'new/a/w': 2, 'new/zzz': 1 }, map: {} });
    try {
      await expect(initFromCheckpoint(tfOut.ckpt, { 'old/': 'new/' }, { store })).rejects.toThrow(
        RestoreError,
      );
      await expect(initFromCheckpoint(tfOut.ckpt, { 'old/': 'nwe/' }, { store })).rejects.toThrow(
        /expected variables under 'nwe\/'.*did you mean 'new\/'/,
      );
      await expect(
        initFromCheckpoint(tfOut.ckpt, { 'old/b': 'no/such' }, { store }),
      ).rejects.toThrow(LearningError);
      expect(Array.from(await store.get('new/a/w')!.data())).toEqual([0, 0]); // nothing changed
    } finally {
      store.dispose();
    }
  });
});
