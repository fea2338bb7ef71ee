// tfjs weights: shards and model.json tfjs decodes, quantized weights, damaged groups.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { CheckpointNotFoundError, saveTfjsWeights, TfjsWeightsReader } from './index.js';
import { tmpDir } from '../test/helpers.js';
import { testBackends } from '@tfslim-internal/testing';

interface ModelJson {
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

/** Decodes a model.json the way tfjs does (concatenated shards + tf.io.decodeWeights). */
function decodeWithTfjs(file: string): tf.NamedTensorMap {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as ModelJson;
  const out: tf.NamedTensorMap = {};
  for (const g of json.weightsManifest) {
    const buf = Buffer.concat(
      g.paths.map((p) => fs.readFileSync(path.join(path.dirname(file), p))),
    );
    Object.assign(
      out,
      tf.io.decodeWeights(
        buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
        g.weights,
      ),
    );
  }
  return out;
}

describe.each(testBackends())('tfjs weights on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it('writes shards + model.json that tfjs decodes, and reads them back', async () => {
    const dir = tmpDir('tfjs');
    const tensors = {
      'dense/kernel': tf.tensor2d([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      'dense/bias': tf.tensor1d([0.5, -0.5, 2]),
      count: tf.tensor1d([7, -8], 'int32'),
      mask: tf.tensor1d([true, false, true], 'bool'),
      vocab: tf.tensor1d(['a', 'héllo', ''], 'string'),
    };
    const before = tf.memory().numTensors;
    const file = await saveTfjsWeights(dir, tensors, {
      shardBytes: 10,
      extra: { format: 'weights-only' },
    });
    expect(tf.memory().numTensors).toBe(before);
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as ModelJson & { format: string };
    expect(json.format).toBe('weights-only');
    expect(json.weightsManifest[0]!.paths.length).toBeGreaterThan(3);
    expect(json.weightsManifest[0]!.paths[0]).toMatch(/^group1-shard1of\d+\.bin$/);
    // Independent decoder: tfjs itself.
    const viaTfjs = decodeWithTfjs(file);
    for (const [name, t] of Object.entries(tensors)) {
      expect(await viaTfjs[name]!.data()).toEqual(await t.data());
    }
    const r = await TfjsWeightsReader.open(file);
    expect(r.listVariables().map((v) => v.name)).toEqual([
      'count',
      'dense/bias',
      'dense/kernel',
      'mask',
      'vocab',
    ]);
    for (const [name, t] of Object.entries(tensors)) {
      const back = await r.getTensor(name);
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(await back.data()).toEqual(await t.data());
      back.dispose();
    }
    tf.dispose([...Object.values(tensors), ...Object.values(viaTfjs)]);
    fs.rmSync(dir, { recursive: true });
  });

  it('reads tfjs-encoded and quantized weights (uint8, uint16, float16) as tfjs dequantizes them', async () => {
    const dir = tmpDir('tfjs');
    const q8 = new Uint8Array([0, 1, 2, 255]);
    const q16 = new Uint16Array([0, 1000, 65535]);
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x3800]); // 1, -2, 0.5
    const plain = tf.tensor1d([1.5, 2.5]);
    const enc = await tf.io.encodeWeights({ plain });
    const bin = Buffer.concat([
      Buffer.from(enc.data as ArrayBuffer),
      Buffer.from(q8),
      Buffer.from(q16.buffer),
      Buffer.from(f16.buffer),
      Buffer.from(new Uint8Array([10, 20])),
    ]);
    fs.writeFileSync(path.join(dir, 'w.bin'), bin);
    const weights: tf.io.WeightsManifestEntry[] = [
      ...enc.specs,
      {
        name: 'q8',
        shape: [4],
        dtype: 'float32',
        quantization: { dtype: 'uint8', min: -1, scale: 0.5 },
      },
      {
        name: 'q16',
        shape: [3],
        dtype: 'float32',
        quantization: { dtype: 'uint16', min: 0, scale: 0.001 },
      },
      { name: 'f16', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' } },
      {
        name: 'qi',
        shape: [2],
        dtype: 'int32',
        quantization: { dtype: 'uint8', min: 1, scale: 0.25 },
      },
    ];
    const file = path.join(dir, 'model.json');
    fs.writeFileSync(file, JSON.stringify({ weightsManifest: [{ paths: ['w.bin'], weights }] }));
    const r = await TfjsWeightsReader.open(file);
    const viaTfjs = decodeWithTfjs(file);
    for (const name of ['plain', 'q8', 'q16', 'f16', 'qi']) {
      const t = await r.getTensor(name);
      const want = Array.from(await viaTfjs[name]!.data());
      Array.from(await t.data()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
      t.dispose();
    }
    // And by hand: q * scale + min.
    expect(Array.from((await r.getRaw('q8')).data as Float32Array)).toEqual([-1, -0.5, 0, 126.5]);
    expect(Array.from((await r.getRaw('qi')).data as Int32Array)).toEqual([4, 6]);
    tf.dispose([plain, ...Object.values(viaTfjs)]);
    fs.rmSync(dir, { recursive: true });
  });

  it('missing shards and truncated groups are typed errors', async () => {
    const dir = tmpDir('tfjs');
    const t = tf.tensor1d([1, 2, 3, 4]);
    const file = await saveTfjsWeights(dir, { t }, { shardBytes: 8 });
    fs.rmSync(path.join(dir, 'group1-shard2of2.bin'));
    await expect(TfjsWeightsReader.open(file)).rejects.toBeInstanceOf(CheckpointNotFoundError);
    fs.writeFileSync(path.join(dir, 'group1-shard2of2.bin'), Buffer.alloc(3));
    await expect(TfjsWeightsReader.open(file)).rejects.toMatchObject({
      code: 'TRUNCATED',
      tensor: 't',
    });
    t.dispose();
    fs.rmSync(dir, { recursive: true });
  });
});
