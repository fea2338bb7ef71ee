// Damaged and unusual bundles: each problem is a typed error naming the file, the tensor and
// what is wrong; the rest of the checkpoint stays readable.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeEntry, encodeHeader } from './bundle-proto.js';
import {
  CheckpointCorruptError,
  CheckpointFormatError,
  CheckpointNotFoundError,
  CheckpointReader,
  writeBundle,
} from './index.js';
import { ProtoWriter } from '@tfslim/wire-formats';

function message(build: (w: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter();
  build(w);
  return w.finish();
}
import { buildTable } from './table.js';
import { describeFixtures, fixture, tmpDir } from '../test/helpers.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function copyBundle(name: string, prefix: string, dir: string): string {
  for (const ext of ['.index', '.data-00000-of-00001'])
    fs.copyFileSync(fixture(name, prefix + ext), path.join(dir, 'm' + ext));
  return path.join(dir, 'm');
}

describeFixtures('damaged TF bundles', () => {
  it('a flipped data byte is BAD_CRC for that tensor only', async () => {
    const dir = tmpDir('err');
    const p = copyBundle('tf1_saver_houseprices', 'model.ckpt', dir);
    const data = fs.readFileSync(`${p}.data-00000-of-00001`);
    data[16808 + 5]! ^= 0x10; // inside Variable_3 (offset 16808, 20 bytes)
    fs.writeFileSync(`${p}.data-00000-of-00001`, data);
    const r = await CheckpointReader.open(p);
    const err = await r.getRaw('Variable_3').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointCorruptError);
    expect(err).toMatchObject({
      code: 'BAD_CRC',
      tensor: 'Variable_3',
      file: `${p}.data-00000-of-00001`,
    });
    expect((err as Error).message).toMatch(
      /CheckpointReader.getRaw: tensor "Variable_3" in .*m.data-00000-of-00001: expected CRC32C 0x[0-9a-f]{8} \(from the index\), got 0x[0-9a-f]{8}\./,
    );
    await expect(r.getRaw('Variable_2')).resolves.toMatchObject({ shape: [100, 5] });
    fs.rmSync(dir, { recursive: true });
  });

  it('a short data file is TRUNCATED, naming the size needed', async () => {
    const dir = tmpDir('err');
    const p = copyBundle('tf1_saver_houseprices', 'model.ckpt', dir);
    fs.truncateSync(`${p}.data-00000-of-00001`, 18000);
    const r = await CheckpointReader.open(p);
    await expect(r.getRaw('beta2_power')).rejects.toMatchObject({
      code: 'TRUNCATED',
      tensor: 'beta2_power',
    });
    await expect(r.getRaw('beta2_power')).rejects.toThrow(
      /a data file of at least 18088 bytes, got 18000 bytes/,
    );
    await expect(r.getRaw('Variable')).resolves.toBeDefined();
    fs.rmSync(dir, { recursive: true });
  });

  it('index damage: bad magic, bad block CRC, truncation name the index file', async () => {
    const dir = tmpDir('err');
    const p = copyBundle('tf1_half_plus_two', 'variables', dir);
    const index = fs.readFileSync(`${p}.index`);
    const cases: Array<[Buffer, string]> = [
      [Buffer.concat([index.subarray(0, -1), Buffer.from([0])]), 'BAD_MAGIC'],
      [Buffer.from(index.map((b, i) => (i === 10 ? b ^ 1 : b))), 'BAD_CRC'],
      [index.subarray(0, 30), 'TRUNCATED'],
    ];
    for (const [bytes, code] of cases) {
      fs.writeFileSync(`${p}.index`, bytes);
      const err = await CheckpointReader.open(p).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CheckpointCorruptError);
      expect(err).toMatchObject({ code, file: `${p}.index` });
    }
    fs.rmSync(dir, { recursive: true });
  });
});

describe('unusual bundles', () => {
  async function handMade(
    entries: Array<[string, Uint8Array]>,
    header = encodeHeader(),
  ): Promise<string> {
    const dir = tmpDir('err');
    const p = path.join(dir, 'h');
    const table = [
      { key: new Uint8Array(0), value: header },
      ...entries.map(([k, v]) => ({ key: enc(k), value: v })),
    ];
    fs.writeFileSync(`${p}.index`, buildTable(table));
    fs.writeFileSync(`${p}.data-00000-of-00001`, new Uint8Array(64));
    return p;
  }

  it('unsupported dtypes are listed and fail to read with UNSUPPORTED_DTYPE', async () => {
    const p = await handMade([
      ['res', encodeEntry({ dtypeId: 20, shape: [], shardId: 0, offset: 0, size: 0, crc32c: 0 })],
      [
        'weird',
        encodeEntry({ dtypeId: 99, shape: [2], shardId: 0, offset: 0, size: 8, crc32c: 0 }),
      ],
    ]);
    const r = await CheckpointReader.open(p);
    expect(r.listVariables()).toEqual([
      { name: 'res', dtype: 'unsupported', tfDtype: 'DT_RESOURCE', shape: [] },
      { name: 'weird', dtype: 'unsupported', tfDtype: 'DT_99', shape: [2] },
    ]);
    const err = await r.getTensor('weird').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointFormatError);
    expect(err).toMatchObject({ code: 'UNSUPPORTED_DTYPE', tensor: 'weird', file: `${p}.index` });
  });

  it('partitioned variables, big-endian bundles and inconsistent sizes are explained', async () => {
    const sliced = message((w) => {
      w.varintField(1, 1);
      w.bytesField(2, new Uint8Array(0));
      w.varintField(5, 4);
      w.bytesField(7, new Uint8Array(0));
    });
    const p = await handMade([
      [
        'bad_shard',
        encodeEntry({ dtypeId: 1, shape: [1], shardId: 4, offset: 0, size: 4, crc32c: 0 }),
      ],
      [
        'bad_size',
        encodeEntry({ dtypeId: 1, shape: [3], shardId: 0, offset: 0, size: 8, crc32c: 0 }),
      ],
      ['part', sliced],
    ]);
    const r = await CheckpointReader.open(p);
    // A partitioned variable whose slice entry is missing.
    await expect(r.getRaw('part')).rejects.toMatchObject({ code: 'CORRUPT', tensor: 'part' });
    await expect(r.getRaw('part')).rejects.toThrow(
      /expected an entry for the slice part\[\], got none/,
    );
    await expect(r.getRaw('bad_size')).rejects.toThrow(
      /expected 12 bytes for float32 \[3\], got size 8/,
    );
    await expect(r.getRaw('bad_shard')).rejects.toThrow(/shard id below 1/);
    await expect(r.getRaw('nope')).rejects.toBeInstanceOf(CheckpointNotFoundError);
    const bigEndian = message((w) => {
      w.varintField(1, 1);
      w.varintField(2, 1);
    });
    await expect(CheckpointReader.open(await handMade([], bigEndian))).rejects.toThrow(
      /little-endian bundle, got a big-endian bundle/,
    );
  });

  it('missing files and empty directories are NOT_FOUND with a hint', async () => {
    const dir = tmpDir('err');
    await expect(CheckpointReader.open(path.join(dir, 'nothing'))).rejects.toThrow(
      /no such file\. Check the prefix/,
    );
    await expect(CheckpointReader.open(dir)).rejects.toBeInstanceOf(CheckpointNotFoundError);
    await writeBundle(path.join(dir, 'a'), [
      { name: 'x', dtype: 'float32', shape: [], data: new Float32Array(1) },
    ]);
    fs.rmSync(path.join(dir, 'a.data-00000-of-00001'));
    const r = await CheckpointReader.open(path.join(dir, 'a'));
    await expect(r.getRaw('x')).rejects.toThrow(
      /expected the data file named by the index, got no such file/,
    );
    fs.rmSync(dir, { recursive: true });
  });
});
