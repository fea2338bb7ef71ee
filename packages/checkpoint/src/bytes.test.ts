// Our bytes, compared with bytes assembled by hand from the spec, and with bundles written
// by TensorFlow itself.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointReader, writeBundle } from './index.js';
import type { NamedRawTensor } from './index.js';
import { describeFixtures, fixture, refCrc32c, refMask, tmpDir } from '../test/helpers.js';

const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

describe('byte layout', () => {
  it('a two-tensor bundle equals the sequence assembled by hand from the spec', async () => {
    const dir = tmpDir();
    const prefix = path.join(dir, 'hand');
    await writeBundle(prefix, [
      { name: 'step', dtype: 'int64', shape: [], data: new BigInt64Array([7n]) },
      { name: 'w', dtype: 'float32', shape: [2], data: new Float32Array([1, -2]) },
    ]);

    // Data file: int64 7, then float32 1.0 and -2.0, little-endian, no padding.
    const stepBytes = [7, 0, 0, 0, 0, 0, 0, 0];
    const wBytes = [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0];
    expect([...fs.readFileSync(`${prefix}.data-00000-of-00001`)]).toEqual([
      ...stepBytes,
      ...wBytes,
    ]);

    // Index: one data block with three entries (no shared prefixes), restart [0], count 1.
    const crcOf = (b: number[]): number => refMask(refCrc32c(Uint8Array.from(b)));
    const header = [0x08, 0x01, 0x1a, 0x02, 0x08, 0x01]; // num_shards 1, version {producer 1}
    // dtype 9 (INT64), shape {} , size 8, crc32c fixed32; offset 0 is left out (proto3).
    const stepEntry = [0x08, 0x09, 0x12, 0x00, 0x28, 0x08, 0x35, ...u32(crcOf(stepBytes))];
    // dtype 1 (FLOAT), shape {dim {size 2}}, offset 8, size 8, crc32c
    const wEntry = [
      0x08,
      0x01,
      0x12,
      0x04,
      0x12,
      0x02,
      0x08,
      0x02,
      0x20,
      0x08,
      0x28,
      0x08,
      0x35,
      ...u32(crcOf(wBytes)),
    ];
    const block = [
      ...[0, 0, header.length],
      ...header,
      ...[0, 4, stepEntry.length],
      ...ascii('step'),
      ...stepEntry,
      ...[0, 1, wEntry.length],
      ...ascii('w'),
      ...wEntry,
      ...u32(0),
      ...u32(1),
    ];
    const trailer = (b: number[]): number[] => [0, ...u32(crcOf([...b, 0]))];
    const meta = [...u32(0), ...u32(1)];
    // Index block: key = successor of the last key "w" -> "x", value = handle(0, block size).
    const metaOffset = block.length + 5;
    const indexOffset = metaOffset + meta.length + 5;
    const indexBlock = [0, 1, 2, ...ascii('x'), 0, block.length, ...u32(0), ...u32(1)];
    const footer = [metaOffset, meta.length, indexOffset, indexBlock.length];
    while (footer.length < 40) footer.push(0);
    footer.push(0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb);
    const expected = [
      ...block,
      ...trailer(block),
      ...meta,
      ...trailer(meta),
      ...indexBlock,
      ...trailer(indexBlock),
      ...footer,
    ];
    expect([...fs.readFileSync(`${prefix}.index`)]).toEqual(expected);
    fs.rmSync(dir, { recursive: true });
  });

  it('an empty tensor and an empty string tensor have TF layouts', async () => {
    const dir = tmpDir();
    const prefix = path.join(dir, 'empty');
    await writeBundle(prefix, [
      { name: 'e', dtype: 'float32', shape: [0, 3], data: new Float32Array(0) },
      { name: 's', dtype: 'string', shape: [0], data: [] },
    ]);
    // The empty string tensor still writes its (empty) length checksum: mask(crc of nothing).
    expect([...fs.readFileSync(`${prefix}.data-00000-of-00001`)]).toEqual(u32(refMask(0)));
    const r = await CheckpointReader.open(prefix);
    expect(r.entry('e')).toMatchObject({ offset: 0, size: 0, crc32c: refMask(0), shape: [0, 3] });
    expect(r.entry('s')).toMatchObject({ offset: 0, size: 4, shape: [0] });
    fs.rmSync(dir, { recursive: true });
  });
});

/** Reads a fixture bundle and writes its tensors, in its order, to `<tmp dir>/<prefix>`. */
async function rewriteFixture(name: string, prefix: string) {
  const src = await CheckpointReader.open(fixture(name, prefix));
  const tensors: NamedRawTensor[] = [];
  for (const v of src.listVariables())
    tensors.push({ ...(await src.getRaw(v.name)), name: v.name } as NamedRawTensor);
  const dir = tmpDir();
  const out = path.join(dir, prefix);
  await writeBundle(out, tensors);
  return { src, dir, out };
}

describeFixtures('rewriting TensorFlow bundles', () => {
  // Bundles whose data TF wrote in key order with uncompressed blocks: our writer, fed the
  // same tensors in the same order, must produce the same bytes.
  it.each([
    ['tf1_counter_uncompressed', 'variables'],
    ['tf1_half_plus_three_uncompressed', 'variables'],
    ['tf1_half_plus_two_mkl_conv', 'variables'],
    ['tf1_saver_houseprices', 'model.ckpt'],
  ])('%s: byte-identical index and data', async (name, prefix) => {
    const { dir, out } = await rewriteFixture(name, prefix);
    expect(
      Buffer.compare(
        fs.readFileSync(`${out}.index`),
        fs.readFileSync(fixture(name, `${prefix}.index`)),
      ),
    ).toBe(0);
    expect(
      Buffer.compare(
        fs.readFileSync(`${out}.data-00000-of-00001`),
        fs.readFileSync(fixture(name, `${prefix}.data-00000-of-00001`)),
      ),
    ).toBe(0);
    fs.rmSync(dir, { recursive: true });
  });

  // TF2 bundles (Snappy blocks, data not in key order, string tensors): same values back.
  it.each([
    ['tf2_half_plus_two', 'variables'],
    ['tf2_keras_savedmodel_oct', 'variables'],
    ['tf2_gpflow_float64', 'variables'],
    ['tf2_ckpt_manager_comp', 'ckpt-10'],
  ])(
    '%s: rewritten, every tensor reads back identical (string tensor CRC included)',
    async (name, prefix) => {
      const { src, dir, out } = await rewriteFixture(name, prefix);
      const back = await CheckpointReader.open(out);
      expect(back.listVariables()).toEqual(src.listVariables());
      for (const v of src.listVariables()) {
        const a = await src.getRaw(v.name);
        const b = await back.getRaw(v.name);
        if (a.dtype === 'string' && b.dtype === 'string') {
          expect(a.data.map((s) => Buffer.from(s).toString('hex'))).toEqual(
            b.data.map((s) => Buffer.from(s).toString('hex')),
          );
        } else {
          expect(Array.from(b.data as ArrayLike<number>)).toEqual(
            Array.from(a.data as ArrayLike<number>),
          );
        }
        // The stored CRC of an identical tensor is identical.
        expect(back.entry(v.name)!.crc32c).toBe(src.entry(v.name)!.crc32c);
      }
      fs.rmSync(dir, { recursive: true });
    },
  );
});
