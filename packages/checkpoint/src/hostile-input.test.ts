// Files crafted to attack the readers (paths outside the directory, bad manifests, lying sizes)
// are typed CheckpointErrors; nothing outside is read, nothing claimed is allocated unchecked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeEntry, encodeEntry } from './bundle-proto.js';
import {
  CheckpointCorruptError,
  CheckpointError,
  CheckpointNotFoundError,
  CheckpointReader,
  latestCheckpoint,
  openTensorSource,
  saveTfjsWeights,
  TfjsWeightsReader,
  writeBundle,
  writeCheckpointState,
} from './index.js';
import { buildTable, readTable } from './table.js';
import { tmpDir } from '../test/helpers.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A model dir with one float32 weight `w` [2] and a secret file one level above it. */
async function modelDir(): Promise<{ root: string; dir: string; json: string }> {
  const root = tmpDir('hostile');
  const dir = path.join(root, 'model');
  fs.writeFileSync(path.join(root, 'secret.bin'), Buffer.from(new Float32Array([7, 8]).buffer));
  const json = await saveTfjsWeights(dir, {
    w: { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) },
  });
  return { root, dir, json };
}

function writeManifest(json: string, manifest: unknown): void {
  fs.writeFileSync(json, JSON.stringify({ weightsManifest: manifest }));
}

const weightW = { name: 'w', shape: [2], dtype: 'float32' };

describe('tfjs model.json shard paths stay inside the model directory', () => {
  it.each([
    ['../secret.bin', /a "\.\." segment/],
    ['sub/../../secret.bin', /a "\.\." segment/],
    ['/etc/passwd', /an absolute path/],
    ['..\\secret.bin', /a backslash/],
    ['.', /an empty or "\." segment/],
    ['', /an empty or "\." segment/],
    ['./group1-shard1of1.bin', /an empty or "\." segment/],
  ])('%j is a CheckpointCorruptError naming the path', async (p, why) => {
    const { json } = await modelDir();
    writeManifest(json, [{ paths: [p], weights: [weightW] }]);
    const err = await TfjsWeightsReader.open(json).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointCorruptError);
    expect((err as Error).message).toContain('weightsManifest[0].paths[0]');
    expect((err as Error).message).toContain(JSON.stringify(p));
    expect((err as Error).message).toMatch(why);
    // Through the generic opener (what restore() uses) too.
    await expect(openTensorSource(json)).rejects.toBeInstanceOf(CheckpointCorruptError);
  });

  it('a shard path naming a directory inside is NOT_FOUND, not a raw EISDIR', async () => {
    const { dir, json } = await modelDir();
    fs.mkdirSync(path.join(dir, 'sub'));
    writeManifest(json, [{ paths: ['sub'], weights: [weightW] }]);
    const err = await TfjsWeightsReader.open(json).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointNotFoundError);
    expect(err).toMatchObject({ file: path.join(dir, 'sub') });
    expect((err as Error).message).toMatch(/got a directory/);
  });

  it('a shard that is a symbolic link to a file outside is a CheckpointCorruptError naming both', async () => {
    const { root, dir, json } = await modelDir();
    const shard = path.join(dir, 'group1-shard1of1.bin');
    fs.rmSync(shard);
    fs.symlinkSync(path.join(root, 'secret.bin'), shard);
    const err = await TfjsWeightsReader.open(json).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointCorruptError);
    expect((err as Error).message).toContain('weightsManifest[0].paths[0]');
    expect((err as Error).message).toContain(fs.realpathSync(path.join(root, 'secret.bin')));
    await expect(openTensorSource(json)).rejects.toBeInstanceOf(CheckpointCorruptError);
  });

  it('links that stay inside the directory, and a model directory reached through a link, read', async () => {
    const { root, dir } = await modelDir();
    fs.renameSync(path.join(dir, 'group1-shard1of1.bin'), path.join(dir, 'real.bin'));
    fs.symlinkSync('real.bin', path.join(dir, 'group1-shard1of1.bin'));
    const linkedDir = path.join(root, 'linked-model');
    fs.symlinkSync(dir, linkedDir);
    const reader = await TfjsWeightsReader.open(path.join(linkedDir, 'model.json'));
    const raw = await reader.getRaw('w');
    expect(Array.from(raw.data as Float32Array)).toEqual([1, 2]);
  });
});

describe('tfjs model.json of the wrong shape is a typed error naming the field', () => {
  it.each([
    ['a null group', [null], /weightsManifest\[0\] an object, got null/],
    [
      'a null weight',
      [{ paths: [], weights: [null] }],
      /weightsManifest\[0\]\.weights\[0\] an object, got null/,
    ],
    [
      'paths not an array',
      [{ paths: 'x.bin', weights: [] }],
      /weightsManifest\[0\]\.paths an array/,
    ],
    [
      'a numeric path',
      [{ paths: [3], weights: [] }],
      /weightsManifest\[0\]\.paths\[0\].*3 \(not a string\)/,
    ],
    ['weights missing', [{ paths: [] }], /weightsManifest\[0\]\.weights an array, got nothing/],
    [
      'a numeric name',
      [{ paths: [], weights: [{ ...weightW, name: 5 }] }],
      /weights\[0\]\.name a string, got 5/,
    ],
    [
      'a string shape',
      [{ paths: [], weights: [{ ...weightW, shape: '2' }] }],
      /weights\[0\]\.shape an array of non-negative integers/,
    ],
    [
      'a negative dim',
      [{ paths: [], weights: [{ ...weightW, shape: [-1] }] }],
      /weights\[0\]\.shape/,
    ],
    [
      'an unknown dtype',
      [{ paths: [], weights: [{ ...weightW, dtype: 'float64' }] }],
      /weights\[0\]\.dtype float32, int32/,
    ],
    [
      'a null quantization',
      [{ paths: [], weights: [{ ...weightW, quantization: null }] }],
      /quantization an object, got null/,
    ],
    [
      'a string scale',
      [{ paths: [], weights: [{ ...weightW, quantization: { dtype: 'uint8', scale: 'x' } }] }],
      /quantization\.scale a finite number/,
    ],
    [
      'a quantized string',
      [{ paths: [], weights: [{ ...weightW, dtype: 'string', quantization: { dtype: 'uint8' } }] }],
      /float32 or int32 when quantized/,
    ],
    ['a manifest that is not an array', { paths: [] }, /a weightsManifest array/],
  ])('%s', async (_, manifest, message) => {
    const { json } = await modelDir();
    writeManifest(json, manifest);
    const err = await TfjsWeightsReader.open(json).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(message);
  });

  it('weights claiming more bytes than the shards hold are TRUNCATED before any read', async () => {
    const { json } = await modelDir();
    writeManifest(json, [
      { paths: ['group1-shard1of1.bin'], weights: [{ ...weightW, shape: [1 << 30] }] },
    ]);
    await expect(TfjsWeightsReader.open(json)).rejects.toMatchObject({ code: 'TRUNCATED' });
    // 2^26 strings need 2^28 bytes of length prefixes: refused at once, no 2^26 reads.
    writeManifest(json, [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [{ name: 's', shape: [1 << 26], dtype: 'string' }],
      },
    ]);
    await expect(TfjsWeightsReader.open(json)).rejects.toMatchObject({
      code: 'TRUNCATED',
      tensor: 's',
    });
  });

  it('a string length running past the shards is TRUNCATED', async () => {
    const { dir, json } = await modelDir();
    const bytes = Buffer.alloc(10);
    bytes.writeUInt32LE(2, 0);
    bytes.write('ab', 4);
    bytes.writeUInt32LE(1000, 6); // the second string claims 1000 bytes of the 10
    fs.writeFileSync(path.join(dir, 's.bin'), bytes);
    writeManifest(json, [
      { paths: ['s.bin'], weights: [{ name: 's', shape: [2], dtype: 'string' }] },
    ]);
    await expect(TfjsWeightsReader.open(json)).rejects.toMatchObject({
      code: 'TRUNCATED',
      tensor: 's',
    });
  });
});

describe('the checkpoint state file cannot point outside its directory', () => {
  async function withState(stored: string): Promise<{ root: string; dir: string }> {
    const root = tmpDir('hostile-state');
    const dir = path.join(root, 'train');
    await writeBundle(path.join(root, 'outside'), [
      { name: 'x', dtype: 'float32', shape: [], data: new Float32Array([1]) },
    ]);
    await writeBundle(path.join(dir, 'outside'), [
      { name: 'x', dtype: 'float32', shape: [], data: new Float32Array([2]) },
    ]);
    await writeCheckpointState(dir, {
      modelCheckpointPath: stored,
      allModelCheckpointPaths: [stored],
      allModelCheckpointTimestamps: [],
    });
    return { root, dir };
  }

  it('"." (Keras writes it) names no checkpoint, not the file beside the directory', async () => {
    const { root, dir } = await withState('.');
    // train.index beside train/ must not be taken for the checkpoint "train/.".
    await writeBundle(path.join(root, 'train'), [
      { name: 'x', dtype: 'float32', shape: [], data: new Float32Array([4]) },
    ]);
    expect(await latestCheckpoint(dir)).toBeNull();
    await expect(CheckpointReader.open(dir)).rejects.toBeInstanceOf(CheckpointNotFoundError);
  });

  it.each(['../outside', 'a/../../outside', '..'])(
    'a relative %j climbing out is a CheckpointCorruptError naming it',
    async (stored) => {
      const { dir } = await withState(stored);
      const err = await latestCheckpoint(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CheckpointCorruptError);
      expect((err as Error).message).toContain(JSON.stringify(stored));
      expect(err).toMatchObject({ file: path.join(dir, 'checkpoint') });
      await expect(CheckpointReader.open(dir)).rejects.toBeInstanceOf(CheckpointCorruptError);
    },
  );

  it('an absolute path outside is looked up by its base name inside the directory', async () => {
    const { root, dir } = await withState('');
    await writeCheckpointState(dir, {
      modelCheckpointPath: path.join(root, 'outside'),
      allModelCheckpointPaths: [],
      allModelCheckpointTimestamps: [],
    });
    expect(await latestCheckpoint(dir)).toBe(path.join(dir, 'outside'));
    const r = await CheckpointReader.open(dir);
    expect(Array.from((await r.getRaw('x')).data as Float32Array)).toEqual([2]);
  });

  it('an absolute path inside the directory is used as it is (TF1 Saver writes those)', async () => {
    const { dir } = await withState('');
    fs.mkdirSync(path.join(dir, 'sub'));
    await writeBundle(path.join(dir, 'sub', 'm'), [
      { name: 'x', dtype: 'float32', shape: [], data: new Float32Array([3]) },
    ]);
    await writeCheckpointState(dir, {
      modelCheckpointPath: path.join(dir, 'sub', 'm'),
      allModelCheckpointPaths: [],
      allModelCheckpointTimestamps: [],
    });
    expect(await latestCheckpoint(dir)).toBe(path.join(dir, 'sub', 'm'));
  });
});

describe('crafted index entries of string tensors', () => {
  /** Writes ['ab', '', 'xyz'] and rewrites its index entry through `edit`. */
  async function craftedStrings(
    edit: (e: ReturnType<typeof decodeEntry>) => Partial<ReturnType<typeof decodeEntry>>,
  ): Promise<string> {
    const p = path.join(tmpDir('hostile-str'), 'm');
    await writeBundle(p, [
      { name: 's', dtype: 'string', shape: [3], data: ['ab', '', 'xyz'].map(enc) },
    ]);
    const index = `${p}.index`;
    const table = readTable(fs.readFileSync(index), index, 'test');
    const rows = table.map(({ key, value }) => {
      if (new TextDecoder().decode(key) !== 's') return { key, value };
      const e = decodeEntry(value);
      return { key, value: encodeEntry({ ...e, ...edit(e) }) };
    });
    fs.writeFileSync(index, buildTable(rows));
    return p;
  }

  it('size 0 for three strings is CORRUPT, not three empty strings', async () => {
    const r = await CheckpointReader.open(await craftedStrings(() => ({ size: 0, crc32c: 0 })));
    const err = await r.getRaw('s').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointCorruptError);
    expect(err).toMatchObject({ code: 'CORRUPT', tensor: 's' });
    expect((err as Error).message).toMatch(/at least 7 bytes for 3 strings, got size 0/);
  });

  it.each([2 ** 26, 2 ** 31, 2 ** 40])(
    'size 0 with a shape of %d elements fails at once without allocating',
    async (n) => {
      const r = await CheckpointReader.open(
        await craftedStrings(() => ({ size: 0, crc32c: 0, shape: [n] })),
      );
      const before = process.memoryUsage().arrayBuffers;
      await expect(r.getRaw('s')).rejects.toMatchObject({ code: 'CORRUPT', tensor: 's' });
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
    },
  );

  it('a size beyond the data file is TRUNCATED before it is allocated', async () => {
    const r = await CheckpointReader.open(
      await craftedStrings(() => ({ size: 2 ** 40, shape: [1000] })),
    );
    await expect(r.getRaw('s')).rejects.toMatchObject({ code: 'TRUNCATED', tensor: 's' });
  });
});
