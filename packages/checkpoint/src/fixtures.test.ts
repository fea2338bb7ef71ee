// Every TF-written fixture: names, dtypes, shapes, offsets, sizes and leading values exactly
// as SOURCE.txt (an independent Python parser) lists them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  CheckpointNotFoundError,
  CheckpointReader,
  latestCheckpoint,
  objectGraphKeyToPath,
  objectGraphPaths,
  OBJECT_GRAPH_KEY,
  readCheckpointState,
} from './index.js';
import { describeFixtures, fixture, parseSourceTxt } from '../test/helpers.js';
import { testBackends } from '@tfslim-internal/testing';

const BUNDLES: Array<[string, string]> = [
  ['tf1_counter_uncompressed', 'variables'],
  ['tf1_half_plus_three_uncompressed', 'variables'],
  ['tf1_half_plus_two', 'variables'],
  ['tf1_half_plus_two_mkl_conv', 'variables'],
  ['tf1_saver_houseprices', 'model.ckpt'],
  ['tf2_ckpt_manager_comp', 'ckpt-1'],
  ['tf2_ckpt_manager_comp', 'ckpt-9'],
  ['tf2_ckpt_manager_comp', 'ckpt-10'],
  ['tf2_gpflow_float64', 'variables'],
  ['tf2_half_plus_two', 'variables'],
  ['tf2_keras_modelcheckpoint_oct', 'ckpt'],
  ['tf2_keras_savedmodel_oct', 'variables'],
  ['tf2_text_regression_objgraph_only', 'variables'],
];

function expectedFor(dir: string, prefix: string) {
  const sections = parseSourceTxt(fixture(dir));
  return sections.get(prefix) ?? sections.get('')!;
}

const TFJS_DTYPE: Record<string, string> = {
  float32: 'float32',
  float64: 'float32',
  int64: 'int32',
  string: 'string',
};

describeFixtures('TF-written checkpoints', () => {
  describe.each(BUNDLES)('%s/%s', (dir, prefix) => {
    const expected = () => expectedFor(dir, prefix);

    it('lists every tensor with its dtype and shape, and the stored offset and size', async () => {
      const r = await CheckpointReader.open(fixture(dir, prefix));
      const exp = expected();
      expect(exp.length).toBeGreaterThan(0);
      expect(r.listVariables().map((v) => v.name)).toEqual(exp.map((t) => t.key));
      for (const t of exp) {
        const info = r.listVariables().find((v) => v.name === t.key)!;
        expect(info.dtype).toBe(t.dtype);
        expect(info.shape).toEqual(t.shape);
        expect(r.entry(t.key)!.offset).toBe(t.offset);
        expect(r.entry(t.key)!.size).toBe(t.size);
      }
    });

    it('reads every tensor raw with the listed values (CRC checked)', async () => {
      const r = await CheckpointReader.open(fixture(dir, prefix));
      for (const t of expected()) {
        const raw = await r.getRaw(t.key);
        expect(raw.dtype).toBe(t.dtype);
        expect(raw.shape).toEqual(t.shape);
        if (raw.dtype === 'string') {
          expect(raw.data.map((s) => s.length)).toEqual(t.stringLens);
          continue;
        }
        const n = t.shape.reduce((a, b) => a * b, 1);
        expect(raw.data.length).toBe(n);
        if (!t.truncated) expect(t.values.length).toBe(n);
        t.values.forEach((v, i) => {
          const got = Number(raw.data[i]);
          expect(Math.abs(got - v)).toBeLessThanOrEqual(5e-7 + 1e-6 * Math.abs(v));
        });
      }
    });

    it('open accepts the .index and data file paths too', async () => {
      const a = await CheckpointReader.open(fixture(dir, `${prefix}.index`));
      const b = await CheckpointReader.open(fixture(dir, `${prefix}.data-00000-of-00001`));
      expect(a.listVariables()).toEqual(b.listVariables());
      expect(a.path).toBe(fixture(dir, prefix));
    });
  });

  describe.each(testBackends())('getTensor on %s', (backend) => {
    beforeAll(async () => {
      await selectBackend({ require: backend, env: {} });
    });

    it.each(BUNDLES)(
      '%s/%s converts to tfjs dtypes with the listed values',
      async (dir, prefix) => {
        const r = await CheckpointReader.open(fixture(dir, prefix));
        const before = tf.memory().numTensors;
        for (const t of expectedFor(dir, prefix)) {
          const x = await r.getTensor(t.key);
          expect(x.dtype).toBe(TFJS_DTYPE[t.dtype]);
          expect(x.shape).toEqual(t.shape);
          if (x.dtype === 'string') {
            const bytes = (await x.bytes()) as Uint8Array[];
            expect(bytes.map((b) => b.length)).toEqual(t.stringLens);
          } else {
            const d = await x.data();
            t.values.forEach((v, i) => {
              // float64 -> float32 rounding allows float32 precision here.
              expect(Math.abs(Number(d[i]) - v)).toBeLessThanOrEqual(5e-7 + 1e-6 * Math.abs(v));
            });
          }
          x.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
      },
    );
  });

  it('tf2_half_plus_two: Snappy-compressed data block, object-based keys', async () => {
    const r = await CheckpointReader.open(fixture('tf2_half_plus_two', 'variables'));
    expect(r.isObjectBased).toBe(true);
    expect(objectGraphPaths(r.listVariables().map((v) => v.name))).toEqual({
      a: 'a/.ATTRIBUTES/VARIABLE_VALUE',
      b: 'b/.ATTRIBUTES/VARIABLE_VALUE',
      c: 'c/.ATTRIBUTES/VARIABLE_VALUE',
    });
    const g = await r.getRaw(OBJECT_GRAPH_KEY);
    expect(g.dtype).toBe('string');
  });

  it('tf2_keras_savedmodel_oct: slot keys are left out of plain paths unless asked', async () => {
    const r = await CheckpointReader.open(fixture('tf2_keras_savedmodel_oct', 'variables'));
    const names = r.listVariables().map((v) => v.name);
    const paths = objectGraphPaths(names);
    expect(paths['layer_with_weights-1/kernel']).toBe(
      'layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE',
    );
    expect(paths['optimizer/iter']).toBe('optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE');
    expect(Object.keys(paths).some((p) => p.includes('OPTIMIZER_SLOT'))).toBe(false);
    const all = objectGraphPaths(names, { includeSlots: true });
    expect(all['variables/0/.OPTIMIZER_SLOT/optimizer/rms']).toBeDefined();
    expect(objectGraphKeyToPath('keras_api/metrics/0/count/.ATTRIBUTES/VARIABLE_VALUE')).toBe(
      'keras_api/metrics/0/count',
    );
    expect(r.isObjectBased).toBe(true);
  });

  it('TF1 name-based checkpoints are not object-based', async () => {
    const r = await CheckpointReader.open(fixture('tf1_saver_houseprices', 'model.ckpt'));
    expect(r.isObjectBased).toBe(false);
    // Lexicographic order, as TF stores it.
    const names = r.listVariables().map((v) => v.name);
    expect(names.indexOf('Variable_10')).toBeLessThan(names.indexOf('Variable_2'));
  });

  it('tf2_efficientdet_index_only: 971 entries listed; reading values names the missing data file', async () => {
    const dir = fixture('tf2_efficientdet_index_only');
    const r = await CheckpointReader.open(path.join(dir, 'ckpt-1'));
    const vars = r.listVariables();
    expect(vars).toHaveLength(971);
    const counts: Record<string, number> = {};
    for (const v of vars) counts[v.dtype] = (counts[v.dtype] ?? 0) + 1;
    expect(counts).toEqual({ string: 1, float32: 969, int64: 1 });
    expect(vars.slice(0, 5).map((v) => v.name)).toEqual([
      '_CHECKPOINTABLE_OBJECT_GRAPH',
      'base_model/_func/backbone/_head/_bn/beta/.ATTRIBUTES/VARIABLE_VALUE',
      'base_model/_func/backbone/_head/_bn/gamma/.ATTRIBUTES/VARIABLE_VALUE',
      'base_model/_func/backbone/_head/_bn/moving_mean/.ATTRIBUTES/VARIABLE_VALUE',
      'base_model/_func/backbone/_head/_bn/moving_variance/.ATTRIBUTES/VARIABLE_VALUE',
    ]);
    expect(vars.slice(-3).map((v) => v.name)).toEqual([
      'optimizer/decay/.ATTRIBUTES/VARIABLE_VALUE',
      'optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE',
      'optimizer/momentum/.ATTRIBUTES/VARIABLE_VALUE',
    ]);
    const err = await r
      .getRaw('optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointNotFoundError);
    expect((err as CheckpointNotFoundError).file).toBe(
      path.join(dir, 'ckpt-1.data-00000-of-00001'),
    );
    expect((err as CheckpointNotFoundError).tensor).toBe(
      'optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE',
    );
    // Its state file names ckpt-2, whose files were never committed.
    expect(await latestCheckpoint(dir)).toBeNull();
  });

  it('tf1_v1_format_checkpoint_negative: a 2016 V1 file opens by its path and its directory', async () => {
    const dir = fixture('tf1_v1_format_checkpoint_negative');
    const reader = await CheckpointReader.open(path.join(dir, 'export'));
    // SOURCE.txt: keys '', '\0Variable\0\1\0', '\0Variable_1\0\1\0' (two scalars).
    expect(reader.listVariables()).toEqual([
      { name: 'Variable', dtype: 'float32', tfDtype: 'DT_FLOAT', shape: [] },
      { name: 'Variable_1', dtype: 'float32', tfDtype: 'DT_FLOAT', shape: [] },
    ]);
    expect((await reader.getRaw('Variable')).shape).toEqual([]);
    // The state file's absolute /tmp path is gone; its base name in dir is the V1 file.
    expect(await latestCheckpoint(dir)).toBe(path.join(dir, 'export'));
    expect((await CheckpointReader.open(dir)).path).toBe(path.join(dir, 'export'));
  });

  it('state files: TF1, TF2 CheckpointManager (timestamps), Keras', async () => {
    const hp = fixture('tf1_saver_houseprices');
    expect(await readCheckpointState(hp)).toEqual({
      modelCheckpointPath: 'model.ckpt',
      allModelCheckpointPaths: ['model.ckpt'],
      allModelCheckpointTimestamps: [],
    });
    expect(await latestCheckpoint(hp)).toBe(path.join(hp, 'model.ckpt'));
    const cm = fixture('tf2_ckpt_manager_comp');
    expect(await readCheckpointState(cm)).toEqual({
      modelCheckpointPath: 'ckpt-1',
      allModelCheckpointPaths: ['ckpt-9', 'ckpt-10', 'ckpt-1'],
      allModelCheckpointTimestamps: [1757461169.1449866, 1757461320.2403755, 1757465538.6608334],
      lastPreservedTimestamp: 1757459281.8194308,
    });
    expect(await latestCheckpoint(cm)).toBe(path.join(cm, 'ckpt-1'));
    // A directory opens its latest checkpoint, as tf.train.load_checkpoint does.
    const r = await CheckpointReader.open(cm);
    expect(r.path).toBe(path.join(cm, 'ckpt-1'));
    // Keras wrote model_checkpoint_path "." (its prefix was empty): nothing to find.
    expect(await latestCheckpoint(fixture('tf2_keras_modelcheckpoint_oct'))).toBeNull();
    expect(fs.existsSync(fixture('tf2_keras_modelcheckpoint_oct', 'checkpoint'))).toBe(true);
  });
});
