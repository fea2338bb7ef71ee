// Our writer -> our reader for every dtype, scalars, empty tensors; streaming of large totals.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { decodeEntry, encodeEntry } from './bundle-proto.js';
import { floatToBfloat16, floatToHalf } from './dtypes.js';
import { CheckpointFormatError, CheckpointReader, writeBundle } from './index.js';
import type { NamedRawTensor } from './index.js';
import { tmpDir } from '../test/helpers.js';
import { testBackends } from '@tfslim-internal/testing';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function allDtypes(shape: number[]): NamedRawTensor[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = Array.from({ length: n }, (_, i) => i);
  return [
    { name: 'f32', dtype: 'float32', shape, data: Float32Array.from(idx, (i) => i * 0.5 - 3) },
    {
      name: 'f64',
      dtype: 'float64',
      shape,
      data: Float64Array.from(idx, (i) => Math.PI * (i - 2)),
    },
    {
      name: 'f16',
      dtype: 'float16',
      shape,
      data: Uint16Array.from(idx, (i) => floatToHalf(i - 1.5)),
    },
    {
      name: 'bf16',
      dtype: 'bfloat16',
      shape,
      data: Uint16Array.from(idx, (i) => floatToBfloat16(i * 0.25)),
    },
    { name: 'i8', dtype: 'int8', shape, data: Int8Array.from(idx, (i) => -128 + i) },
    { name: 'i16', dtype: 'int16', shape, data: Int16Array.from(idx, (i) => -32768 + i) },
    { name: 'i32', dtype: 'int32', shape, data: Int32Array.from(idx, (i) => -2147483648 + i) },
    {
      name: 'i64',
      dtype: 'int64',
      shape,
      data: BigInt64Array.from(idx, (i) => -(2n ** 40n) + BigInt(i)),
    },
    { name: 'u8', dtype: 'uint8', shape, data: Uint8Array.from(idx, (i) => 255 - i) },
    { name: 'u16', dtype: 'uint16', shape, data: Uint16Array.from(idx, (i) => 65535 - i) },
    { name: 'u32', dtype: 'uint32', shape, data: Uint32Array.from(idx, (i) => 4294967295 - i) },
    {
      name: 'u64',
      dtype: 'uint64',
      shape,
      data: BigUint64Array.from(idx, (i) => 2n ** 63n + BigInt(i)),
    },
    { name: 'bool', dtype: 'bool', shape, data: Uint8Array.from(idx, (i) => i % 2) },
    {
      name: 'c64',
      dtype: 'complex64',
      shape,
      data: Float32Array.from({ length: 2 * n }, (_, i) => i - 0.5),
    },
    {
      name: 'str',
      dtype: 'string',
      shape,
      data: idx.map((i) => (i === 1 ? Uint8Array.of(0, 255, 10) : enc('é'.repeat(i)))),
    },
  ];
}

function same(a: NamedRawTensor, b: { dtype: string; shape: number[]; data: unknown }): void {
  expect(b.dtype).toBe(a.dtype);
  expect(b.shape).toEqual(a.shape);
  if (a.dtype === 'string') {
    expect((b.data as Uint8Array[]).map((s) => [...s])).toEqual(a.data.map((s) => [...s]));
  } else {
    expect(b.data).toBeInstanceOf(a.data.constructor);
    expect(Array.from(b.data as ArrayLike<number | bigint>)).toEqual(
      Array.from(a.data as ArrayLike<number | bigint>),
    );
  }
}

describe('raw round trips', () => {
  it.each([
    ['scalars', []],
    ['vectors', [5]],
    ['matrices', [2, 3]],
    ['empty', [0]],
    ['empty inner', [3, 0, 2]],
  ])('every dtype: %s', async (_label, shape) => {
    const dir = tmpDir();
    const tensors = allDtypes(shape as number[]);
    await writeBundle(path.join(dir, 'rt'), tensors);
    const r = await CheckpointReader.open(path.join(dir, 'rt'));
    expect(r.listVariables().map((v) => v.name)).toEqual(tensors.map((t) => t.name).sort());
    for (const t of tensors) same(t, await r.getRaw(t.name));
    fs.rmSync(dir, { recursive: true });
  });

  it('rejects bad input before writing anything', async () => {
    const dir = tmpDir();
    const p = path.join(dir, 'bad');
    await expect(
      writeBundle(p, [{ name: 'x', dtype: 'float32', shape: [3], data: new Float32Array(2) }]),
    ).rejects.toThrow(/expected 3 values for shape \[3\].*got 2/);
    await expect(
      writeBundle(p, [
        { name: 'x', dtype: 'float32', shape: [], data: new Float32Array(1) },
        { name: 'x', dtype: 'float32', shape: [], data: new Float32Array(1) },
      ]),
    ).rejects.toThrow(/unique/);
    await expect(
      writeBundle(p, [{ name: '', dtype: 'float32', shape: [], data: new Float32Array(1) }]),
    ).rejects.toThrow(/non-empty/);
    await expect(
      writeBundle(p, [{ name: 'n', dtype: 'float32', shape: [-1], data: new Float32Array(1) }]),
    ).rejects.toThrow(/non-negative/);
    // Nothing left behind: no bundle, no temporary files.
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });

  it('entry offsets and sizes beyond 4 GiB encode as varint64', () => {
    const e = {
      dtypeId: 1,
      shape: [1 << 20, 1 << 11],
      shardId: 0,
      offset: 5_000_000_123,
      size: 2 ** 33,
      crc32c: 0xdeadbeef,
    };
    expect(decodeEntry(encodeEntry(e))).toEqual({ ...e, numSlices: 0, slices: [] });
  });
});

describe('streaming', () => {
  it('takes one tensor at a time and is done with it before asking for the next', async () => {
    // Each tensor's buffer is scribbled over as soon as the next one is requested: if the
    // writer kept (or deferred writing) any earlier tensor, its bytes or CRC would be wrong.
    const dir = tmpDir();
    const count = 24;
    const elems = 64 * 1024; // 256 KiB each, 6 MiB in all, written in 4 KiB pieces
    let live = 0;
    let maxLive = 0;
    async function* source(): AsyncGenerator<NamedRawTensor> {
      let prev: Float32Array | undefined;
      for (let i = 0; i < count; i++) {
        if (prev) prev.fill(NaN);
        const data = new Float32Array(elems);
        for (let k = 0; k < elems; k++) data[k] = i * 1000 + (k % 997);
        live++;
        maxLive = Math.max(maxLive, live);
        yield { name: `t${String(i).padStart(2, '0')}`, dtype: 'float32', shape: [elems], data };
        live--;
        prev = data;
      }
    }
    await writeBundle(path.join(dir, 's'), source(), { chunkBytes: 4096 });
    expect(maxLive).toBe(1);
    const r = await CheckpointReader.open(path.join(dir, 's'));
    expect(fs.statSync(path.join(dir, 's.data-00000-of-00001')).size).toBe(count * elems * 4);
    for (let i = 0; i < count; i++) {
      const raw = await r.getRaw(`t${String(i).padStart(2, '0')}`);
      const d = raw.data as Float32Array;
      let ok = true;
      for (let k = 0; k < elems; k++) if (d[k] !== i * 1000 + (k % 997)) ok = false;
      expect(ok).toBe(true);
    }
    fs.rmSync(dir, { recursive: true });
  });

  // > 2 GiB for real: 9 x 256 MiB from one reused buffer. Slow (disk), so opt-in.
  const big = process.env.TFSLIM_BIG_TESTS === '1' ? it : it.skip;
  big(
    'writes and reads back more than 2 GiB without a 2 GiB buffer',
    async () => {
      const dir = tmpDir('big');
      const elems = 64 * 1024 * 1024;
      const buf = new Float32Array(elems);
      async function* source(): AsyncGenerator<NamedRawTensor> {
        for (let i = 0; i < 9; i++) {
          buf.fill(i + 0.5);
          yield { name: `part${i}`, dtype: 'float32', shape: [elems], data: buf };
        }
      }
      await writeBundle(path.join(dir, 'big'), source());
      const r = await CheckpointReader.open(path.join(dir, 'big'));
      expect(r.entry('part8')!.offset).toBe(8 * elems * 4);
      for (let i = 0; i < 9; i++) {
        const d = (await r.getRaw(`part${i}`)).data as Float32Array;
        expect(d[0]).toBe(i + 0.5);
        expect(d[elems - 1]).toBe(i + 0.5);
      }
      fs.rmSync(dir, { recursive: true });
    },
    600_000,
  );
});

describe.each(testBackends())('tfjs conversion on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it('getTensor maps every dtype to its tfjs dtype with the right values', async () => {
    const dir = tmpDir();
    const shape = [2, 2];
    const tensors = allDtypes(shape).map((t) =>
      t.dtype === 'int64' ? { ...t, data: BigInt64Array.from([-5n, 0n, 7n, 2147483647n]) } : t,
    ) as NamedRawTensor[];
    const u = tensors.find((t) => t.name === 'u64')!;
    u.data = BigUint64Array.from([0n, 1n, 2n, 3n]);
    const u32 = tensors.find((t) => t.name === 'u32')!;
    u32.data = Uint32Array.from([0, 1, 2, 2147483647]);
    await writeBundle(path.join(dir, 'c'), tensors);
    const r = await CheckpointReader.open(path.join(dir, 'c'));
    const before = tf.memory().numTensors;
    const expectValues = async (name: string, dtype: string, values: number[]): Promise<void> => {
      const x = await r.getTensor(name);
      expect(x.dtype).toBe(dtype);
      expect(x.shape).toEqual(shape);
      const d = Array.from(await x.data());
      values.forEach((v, i) => expect(d[i]).toBeCloseTo(v, 5));
      x.dispose();
    };
    await expectValues('f32', 'float32', [-3, -2.5, -2, -1.5]);
    await expectValues('f64', 'float32', [-2 * Math.PI, -Math.PI, 0, Math.PI]);
    await expectValues('f16', 'float32', [-1.5, -0.5, 0.5, 1.5]);
    await expectValues('bf16', 'float32', [0, 0.25, 0.5, 0.75]);
    await expectValues('i8', 'int32', [-128, -127, -126, -125]);
    await expectValues('u8', 'int32', [255, 254, 253, 252]);
    await expectValues('i16', 'int32', [-32768, -32767, -32766, -32765]);
    await expectValues('u16', 'int32', [65535, 65534, 65533, 65532]);
    await expectValues('i64', 'int32', [-5, 0, 7, 2147483647]);
    await expectValues('u64', 'int32', [0, 1, 2, 3]);
    await expectValues('u32', 'int32', [0, 1, 2, 2147483647]);
    await expectValues('bool', 'bool', [0, 1, 0, 1]);
    if (backend !== 'wasm') {
      // cpu and tensorflow have complex64 kernels
      const c = await r.getTensor('c64');
      expect(c.dtype).toBe('complex64');
      const re = tf.real(c);
      const im = tf.imag(c);
      expect(Array.from(await re.data())).toEqual([-0.5, 1.5, 3.5, 5.5]);
      expect(Array.from(await im.data())).toEqual([0.5, 2.5, 4.5, 6.5]);
      tf.dispose([c, re, im]);
    } else {
      // tfjs-backend-wasm has no complex kernels: a clear error, not a tfjs kernel message.
      await expect(r.getTensor('c64')).rejects.toMatchObject({
        code: 'UNSUPPORTED',
        tensor: 'c64',
      });
    }
    const s = await r.getTensor('str');
    expect(s.dtype).toBe('string');
    expect(((await s.bytes()) as Uint8Array[]).map((b) => [...b])).toEqual([
      [],
      [0, 255, 10],
      [...enc('éé')],
      [...enc('ééé')],
    ]);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
    fs.rmSync(dir, { recursive: true });
  });

  it('int64 values outside int32 are an OUT_OF_RANGE error naming the tensor and value', async () => {
    const dir = tmpDir();
    await writeBundle(path.join(dir, 'o'), [
      { name: 'big', dtype: 'int64', shape: [2], data: BigInt64Array.from([1n, 2n ** 31n]) },
    ]);
    const r = await CheckpointReader.open(path.join(dir, 'o'));
    const before = tf.memory().numTensors;
    const err = await r.getTensor('big').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointFormatError);
    expect(err).toMatchObject({ code: 'OUT_OF_RANGE', tensor: 'big' });
    expect((err as Error).message).toMatch(/2147483648 at flat index 1/);
    expect(tf.memory().numTensors).toBe(before);
    // getRaw still gives the exact values.
    expect(Array.from((await r.getRaw('big')).data as BigInt64Array)).toEqual([1n, 2n ** 31n]);
    fs.rmSync(dir, { recursive: true });
  });
});
