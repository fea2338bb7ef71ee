// V1 checkpoints and partitioned variables written by TensorFlow's Saver at test time: every
// name, dtype, shape and byte is what tf.train.load_checkpoint (or the TF session) has.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { runPython, tfUnavailableReason } from '@tfslim-internal/testing';
import type { Ref, Written } from '../test/v1-files.js';
import { writeWithTf } from '../test/v1-files.js';
import {
  assignFromCheckpointFn,
  CheckpointCorruptError,
  CheckpointFormatError,
  CheckpointNotFoundError,
  CheckpointReader,
  latestCheckpoint,
  openTensorSource,
  restore,
  V1FormatError,
} from './index.js';
import type { RawTensor, TensorSource } from './index.js';
import { fixture, HAVE_FIXTURES, tmpDir } from '../test/helpers.js';

const reason = tfUnavailableReason();
if (reason !== null) console.log(`v1-checkpoint tests: skipping, ${reason}`);
const maybe = reason === null ? describe : describe.skip;

/** The bytes of a tensor's values (the typed array may view a larger buffer). */
async function tensorBytes(t: tf.Tensor): Promise<string> {
  const d = (await t.data()) as Float32Array | Int32Array;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64');
}

function rawBytes(raw: RawTensor): Buffer {
  if (raw.dtype === 'string') throw new Error('string tensor');
  return Buffer.from(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
}

// TF's dtype names where ours differ; complex128 is listed but not read here.
const OUR_DTYPE: Record<string, string> = { complex128: 'unsupported' };

async function expectSameAsTf(src: TensorSource, refs: Record<string, Ref>): Promise<void> {
  const names = Object.keys(refs).sort();
  expect(src.listVariables().map((v) => v.name)).toEqual(names);
  for (const v of src.listVariables()) {
    const ref = refs[v.name]!;
    expect({ name: v.name, dtype: v.dtype, shape: v.shape }).toEqual({
      name: v.name,
      dtype: OUR_DTYPE[ref.dtype] ?? ref.dtype,
      shape: ref.shape,
    });
    if (v.dtype === 'unsupported') continue;
    const raw = await src.getRaw(v.name);
    expect(raw.shape).toEqual(ref.shape);
    if (ref.strings !== undefined) {
      expect({
        name: v.name,
        strings: (raw.data as Uint8Array[]).map((s) => Buffer.from(s).toString('base64')),
      }).toEqual({
        name: v.name,
        strings: ref.strings,
      });
    } else {
      expect({ name: v.name, bytes: rawBytes(raw).toString('base64') }).toEqual({
        name: v.name,
        bytes: ref.bytes,
      });
    }
  }
}

maybe('V1 checkpoints and partitioned variables written by TensorFlow', () => {
  let dir: string;
  let w: Written;
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
    dir = tmpDir('v1');
    w = writeWithTf(dir, 16);
  }, 120_000);

  it('reads every dtype TF writes to V1 bit-equal, scalars and empty tensors too', async () => {
    const reader = await CheckpointReader.open(w.files.dtypes);
    await expectSameAsTf(reader, w.refs.dtypes);
    expect(reader.isObjectBased).toBe(false);
    expect(reader.entry('dtypes/float32')).toBeUndefined();
  });

  it('lists complex128 as unsupported and refuses to read it with a typed error', async () => {
    const reader = await CheckpointReader.open(w.files.dtypes);
    expect(reader.listVariables().find((v) => v.name === 'dtypes/complex128')).toEqual({
      name: 'dtypes/complex128',
      dtype: 'unsupported',
      tfDtype: 'DT_COMPLEX128',
      shape: [2],
    });
    const err = await reader.getRaw('dtypes/complex128').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointFormatError);
    expect((err as CheckpointFormatError).code).toBe('UNSUPPORTED_DTYPE');
    expect((err as CheckpointFormatError).file).toBe(w.files.dtypes);
  });

  it("reads slim's VGG-16 names from a V1 vgg_16.ckpt, by its path as TF does", async () => {
    expect(path.basename(w.files.vgg)).toBe('vgg_16.ckpt');
    await expectSameAsTf(await CheckpointReader.open(w.files.vgg), w.refs.vgg);
    await expectSameAsTf(await openTensorSource(w.files.vgg), w.refs.vgg);
  });

  (HAVE_FIXTURES ? it : it.skip)("reads the 2016 V1 fixture's values as TF does", async () => {
    const file = fixture('tf1_v1_format_checkpoint_negative', 'export');
    const refs = runPython<Record<string, Ref>>(
      `import base64, json, sys
import numpy as np, tensorflow as tf
p = json.load(sys.stdin)
r = tf.train.load_checkpoint(p)
print(json.dumps({n: {"dtype": r.get_variable_to_dtype_map()[n].name, "shape": s, "source": "get_tensor",
  "bytes": base64.b64encode(np.ascontiguousarray(r.get_tensor(n)).tobytes()).decode()}
  for n, s in tf.train.list_variables(p)}))`,
      file,
    );
    await expectSameAsTf(await CheckpointReader.open(file), refs);
  });

  it('finds a V1 checkpoint through the directory state file', async () => {
    // TF's Saver wrote `checkpoint` naming the last file it saved in dir: vgg_16.ckpt.
    expect(await latestCheckpoint(dir)).toBe(w.files.vgg);
    const reader = await CheckpointReader.open(dir);
    expect(reader.path).toBe(w.files.vgg);
    expect(await latestCheckpoint(path.dirname(w.files.partV1))).toBe(w.files.partV1);
  });

  it('getTensor gives tfjs tensors of the V1 values, without leaking', async () => {
    const reader = await CheckpointReader.open(w.files.vgg);
    const before = tf.memory().numTensors;
    const t = await reader.getTensor('vgg_16/fc8/weights');
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual(w.refs.vgg['vgg_16/fc8/weights']!.shape);
    expect(await tensorBytes(t)).toBe(w.refs.vgg['vgg_16/fc8/weights']!.bytes);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('restore and assignFromCheckpointFn fill tfjs variables from a V1 file', async () => {
    const refs = w.refs.vgg;
    const names = ['vgg_16/conv1/conv1_1/weights', 'vgg_16/fc8/biases'];
    const vars = Object.fromEntries(names.map((n) => [n, tf.variable(tf.zeros(refs[n]!.shape))]));
    const missing = tf.variable(tf.zeros([2]));
    const report = await restore(w.files.vgg, vars);
    expect(report.restored.sort()).toEqual(names.sort());
    for (const n of names) {
      expect(await tensorBytes(vars[n]!)).toBe(refs[n]!.bytes);
    }
    for (const v of Object.values(vars)) v.assign(tf.zeros(v.shape));
    const init = assignFromCheckpointFn(
      w.files.vgg,
      { ...vars, 'vgg_16/not_there': missing },
      { ignoreMissingVars: true },
    );
    expect(init).not.toBeNull();
    await init!();
    for (const n of names) {
      expect(await tensorBytes(vars[n]!)).toBe(refs[n]!.bytes);
    }
    for (const v of [...Object.values(vars), missing]) v.dispose();
  });

  it.each(['partV1', 'partV2'] as const)(
    '%s: partitioned variables list and read under their full name and shape',
    async (which) => {
      const reader = await CheckpointReader.open(path.dirname(w.files[which]));
      expect(reader.path).toBe(w.files[which]);
      await expectSameAsTf(reader, w.refs[which]);
      // No part_N names and no slice keys are listed.
      expect(reader.listVariables().map((v) => v.name)).toEqual([
        'part/conv/weights',
        'part/embedding',
        'part/fc/weights',
        'whole/biases',
      ]);
    },
  );

  it.each(['partV1', 'partV2'] as const)(
    '%s: restore fills unpartitioned tfjs variables',
    async (which) => {
      const refs = w.refs[which];
      const fc = tf.variable(tf.zeros(refs['part/fc/weights']!.shape));
      const emb = tf.variable(tf.zeros(refs['part/embedding']!.shape, 'int32'));
      const report = await restore(w.files[which], {
        'part/fc/weights': fc,
        'part/embedding': emb,
      });
      expect(report.restored.sort()).toEqual(['part/embedding', 'part/fc/weights']);
      expect(await tensorBytes(fc)).toBe(refs['part/fc/weights']!.bytes);
      expect(await tensorBytes(emb)).toBe(refs['part/embedding']!.bytes);
      fc.dispose();
      emb.dispose();
    },
  );

  it('a V1 checkpoint sharded over several files gives V1FormatError', async () => {
    const d = tmpDir('v1-sharded');
    fs.copyFileSync(w.files.dtypes, path.join(d, 'model.ckpt-00000-of-00002'));
    fs.copyFileSync(w.files.dtypes, path.join(d, 'model.ckpt-00001-of-00002'));
    const err = await CheckpointReader.open(path.join(d, 'model.ckpt')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(V1FormatError);
    expect((err as Error).message).toMatch(/sharded/);
  });

  it('a truncated or damaged V1 file gives a typed error naming the file', async () => {
    const bytes = fs.readFileSync(w.files.vgg);
    const cut = path.join(tmpDir('v1-bad'), 'vgg_16.ckpt');
    // The middle cut out, the footer kept: its index handle points past the end.
    fs.writeFileSync(cut, Buffer.concat([bytes.subarray(0, 1000), bytes.subarray(-48)]));
    const err = await CheckpointReader.open(cut).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointCorruptError);
    expect((err as CheckpointCorruptError).code).toBe('TRUNCATED');
    expect((err as CheckpointCorruptError).file).toBe(cut);
    expect((err as Error).message).toMatch(/index block/);
    // The footer cut off: no longer a table, so no checkpoint at that path.
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 1000));
    await expect(CheckpointReader.open(cut)).rejects.toBeInstanceOf(CheckpointNotFoundError);
    // A flipped byte in the middle (inside fc6's block) fails that block's CRC on read.
    const flipped = Buffer.from(bytes);
    const mid = Math.floor(bytes.length / 2);
    flipped[mid] = flipped[mid]! ^ 0x10;
    fs.writeFileSync(cut, flipped);
    const reader = await CheckpointReader.open(cut);
    const errs = await Promise.all(
      reader.listVariables().map((v) =>
        reader.getRaw(v.name).then(
          () => null,
          (e: unknown) => e,
        ),
      ),
    );
    const bad = errs.filter((e) => e !== null);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toBeInstanceOf(CheckpointCorruptError);
    expect((bad[0] as CheckpointCorruptError).code).toBe('BAD_CRC');
    expect((bad[0] as CheckpointCorruptError).file).toBe(cut);
  });
});
