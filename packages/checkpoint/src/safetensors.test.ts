// safetensors: round trips, and damaged files as typed errors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  CheckpointCorruptError,
  CheckpointFormatError,
  SafetensorsReader,
  saveSafetensors,
} from './index.js';
import type { RawTensor } from './index.js';
import { describeFixtures, fixture, tmpDir } from '../test/helpers.js';

const RUST = 'safetensors_rust_testvectors';
const SAMPLES = 'safetensors_samples_2022';

describeFixtures('safetensors fixtures', () => {
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
  });

  it('reads the Rust crate test vectors', async () => {
    const a = await SafetensorsReader.open(fixture(RUST, 'attn0_f32_1x2x3.safetensors'));
    expect(a.listVariables()).toEqual([
      { name: 'attn.0', dtype: 'float32', tfDtype: 'F32', shape: [1, 2, 3] },
    ]);
    expect(Array.from((await a.getRaw('attn.0')).data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
    const b = await SafetensorsReader.open(fixture(RUST, 'attn0_forced_alignment.safetensors'));
    expect(b.listVariables()[0]).toMatchObject({ name: 'attn0', shape: [1, 1, 2, 3] });
    const t = await b.getTensor('attn0');
    expect(Array.from(await t.data())).toEqual([0, 1, 2, 3, 4, 5]);
    t.dispose();
    const e = await SafetensorsReader.open(fixture(RUST, 'empty.safetensors'));
    expect(e.listVariables()).toEqual([]);
    expect(e.metadata).toEqual({});
    const m = await SafetensorsReader.open(fixture(RUST, 'empty_with_metadata.safetensors'));
    expect(m.metadata).toEqual({ framework: 'pt' });
  });

  it('writes byte-for-byte what the Rust crate asserts', async () => {
    const dir = tmpDir('st');
    const vals = new Float32Array([0, 1, 2, 3, 4, 5]);
    const cases: Array<[string, Record<string, RawTensor>, Record<string, string> | undefined]> = [
      [
        'attn0_f32_1x2x3.safetensors',
        { 'attn.0': { dtype: 'float32', shape: [1, 2, 3], data: vals } },
        undefined,
      ],
      [
        'attn0_forced_alignment.safetensors',
        { attn0: { dtype: 'float32', shape: [1, 1, 2, 3], data: vals } },
        undefined,
      ],
      ['empty.safetensors', {}, undefined],
      ['empty_with_metadata.safetensors', {}, { framework: 'pt' }],
    ];
    for (const [name, tensors, metadata] of cases) {
      const out = path.join(dir, name);
      await saveSafetensors(out, tensors, metadata === undefined ? {} : { metadata });
      expect(Buffer.compare(fs.readFileSync(out), fs.readFileSync(fixture(RUST, name)))).toBe(0);
    }
    fs.rmSync(dir, { recursive: true });
  });

  it('reads the 2022 samples (unaligned headers) with every dtype and __metadata__', async () => {
    const expected: Record<string, [string, number[]]> = {
      B: ['uint8', [253, 254, 255, 0, 1, 2]],
      H: ['uint16', [65533, 65534, 65535, 0, 1, 2]],
      I: ['uint32', [4294967293, 4294967294, 4294967295, 0, 1, 2]],
      b: ['int8', [-3, -2, -1, 0, 1, 2]],
      d: ['float64', [-3, -2, -1, 0, 1, 2]],
      e: ['float16', [-3, -2, -1, 0, 1, 2]],
      f: ['float32', [-3, -2, -1, 0, 1, 2]],
      h: ['int16', [-3, -2, -1, 0, 1, 2]],
      i: ['int32', [-3, -2, -1, 0, 1, 2]],
    };
    const overall = await SafetensorsReader.open(fixture(SAMPLES, 'overall.safetensors'));
    expect(overall.metadata).toEqual({ test: 'a' });
    expect(overall.listVariables().map((v) => v.name)).toEqual(Object.keys(expected).sort());
    for (const [code, [dtype, want]] of Object.entries(expected)) {
      // The single-letter files are on macOS-insensitive names: b/B etc. exist side by side.
      const single = await SafetensorsReader.open(fixture(SAMPLES, `${code}.safetensors`));
      for (const r of [single, overall]) {
        const raw = await r.getRaw(code);
        expect(raw.dtype).toBe(dtype);
        const got = Array.from(raw.data as ArrayLike<number>);
        // float16 values are raw bit patterns: compare through getTensor.
        if (dtype === 'float16') {
          const t = await r.getTensor(code);
          expect(Array.from(await t.data())).toEqual(want);
          t.dispose();
        } else {
          expect(got).toEqual(want);
        }
      }
    }
  });
});

describe('safetensors round trips and damage', () => {
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
  });

  it('every safetensors dtype round-trips, tfjs tensors included; output is 8-byte aligned', async () => {
    const dir = tmpDir('st');
    const file = path.join(dir, 'all.safetensors');
    const w = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const tensors: Record<string, RawTensor | tf.Tensor> = {
      f64: { dtype: 'float64', shape: [2], data: new Float64Array([Math.PI, -1]) },
      i64: { dtype: 'int64', shape: [1], data: new BigInt64Array([-(2n ** 40n)]) },
      u64: { dtype: 'uint64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
      bf16: { dtype: 'bfloat16', shape: [1], data: new Uint16Array([0x3f80]) },
      u8: { dtype: 'uint8', shape: [3], data: new Uint8Array([1, 2, 3]) },
      bool: { dtype: 'bool', shape: [2], data: new Uint8Array([1, 0]) },
      w,
    };
    await saveSafetensors(file, tensors, { metadata: { format: 'pt', note: 'é' } });
    const bytes = fs.readFileSync(file);
    expect(Number(bytes.readBigUInt64LE(0)) % 8).toBe(0);
    const r = await SafetensorsReader.open(file);
    expect(r.metadata).toEqual({ format: 'pt', note: 'é' });
    expect(Array.from((await r.getRaw('f64')).data as Float64Array)).toEqual([Math.PI, -1]);
    expect(Array.from((await r.getRaw('i64')).data as BigInt64Array)).toEqual([-(2n ** 40n)]);
    expect(Array.from((await r.getRaw('u64')).data as BigUint64Array)).toEqual([2n ** 64n - 1n]);
    const bf = await r.getTensor('bf16');
    expect(Array.from(await bf.data())).toEqual([1]);
    expect(Array.from((await r.getRaw('w')).data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect((await r.getRaw('bool')).dtype).toBe('bool');
    tf.dispose([w, bf]);
    await expect(saveSafetensors(file, { s: tf.tensor1d(['x']) })).rejects.toThrow(
      /safetensors has no string or complex/,
    );
    fs.rmSync(dir, { recursive: true });
  });

  it('damaged headers and offsets are typed errors naming the file', async () => {
    const dir = tmpDir('st');
    const make = (header: string, data: Uint8Array = new Uint8Array(0)): string => {
      const h = Buffer.from(header);
      const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.safetensors`);
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(h.length));
      fs.writeFileSync(file, Buffer.concat([len, h, data]));
      return file;
    };
    const cases: Array<[string, Uint8Array | undefined, RegExp, typeof CheckpointCorruptError]> = [
      ['{"a":', undefined, /a JSON header/, CheckpointCorruptError],
      ['[1]', undefined, /JSON object header/, CheckpointCorruptError],
      [
        '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}',
        new Uint8Array(4),
        /8 bytes for F32 \[2\]/,
        CheckpointCorruptError,
      ],
      [
        '{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
        new Uint8Array(8),
        /data starting at 0/,
        CheckpointCorruptError,
      ],
      [
        '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
        new Uint8Array(12),
        /covering the 12-byte data buffer/,
        CheckpointCorruptError,
      ],
      [
        '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
        new Uint8Array(0),
        /covering the 0-byte/,
        CheckpointCorruptError,
      ],
      [
        '{"a":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}',
        new Uint8Array(4),
        /safetensors dtype/,
        CheckpointFormatError,
      ],
      ['{"__metadata__":{"a":1}}', undefined, /string values/, CheckpointCorruptError],
    ];
    for (const [header, data, re, cls] of cases) {
      const file = make(header, data);
      const err = await SafetensorsReader.open(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(cls);
      expect((err as Error).message).toMatch(re);
      expect((err as CheckpointCorruptError).file).toBe(file);
    }
    const short = path.join(dir, 'short.safetensors');
    fs.writeFileSync(short, Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    await expect(SafetensorsReader.open(short)).rejects.toThrow(/header length of at most 1 bytes/);
    fs.rmSync(dir, { recursive: true });
  });
});
