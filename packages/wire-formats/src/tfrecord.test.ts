// TFRecord files and tf.Example messages against TensorFlow: TF writes, we read (plain, GZIP,
// ZLIB); we write, TF reads; damaged files give typed errors naming the record.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPython, tfUnavailableReason } from '@tfslim-internal/testing';
import { MemoryFileStore } from '@tfslim/storage';
import {
  decodeExample,
  encodeExample,
  encodeTFRecords,
  frameRecords,
  readTFRecordFile,
  readTFRecords,
  TFRecordCorruptError,
  type Example,
} from './index';

const skip = tfUnavailableReason();
const maybe = skip === null ? describe : describe.skip;
if (skip !== null) console.log(`tfrecord.test: skipping the TF comparisons: ${skip}`);

interface PyFeature {
  kind: 'bytes' | 'float' | 'int64' | 'none';
  values: Array<string | number>;
}

// What TF parses out of each record, bytes as base64, int64 as decimal strings.
const DUMP = `
def dump(raw):
    ex = tf.train.Example.FromString(raw)
    out = {}
    for k, f in ex.features.feature.items():
        kind = f.WhichOneof('kind')
        if kind == 'bytes_list': out[k] = {'kind': 'bytes', 'values': [base64.b64encode(v).decode() for v in f.bytes_list.value]}
        elif kind == 'float_list': out[k] = {'kind': 'float', 'values': [float(v) for v in f.float_list.value]}
        elif kind == 'int64_list': out[k] = {'kind': 'int64', 'values': [str(v) for v in f.int64_list.value]}
        else: out[k] = {'kind': 'none', 'values': []}
    return out
`;

function toPy(ex: Example): Record<string, PyFeature> {
  const out: Record<string, PyFeature> = {};
  for (const [k, f] of ex) {
    if (f.kind === 'bytes')
      out[k] = { kind: 'bytes', values: f.values.map((v) => Buffer.from(v).toString('base64')) };
    else if (f.kind === 'float') out[k] = { kind: 'float', values: [...f.values] };
    else if (f.kind === 'int64') out[k] = { kind: 'int64', values: [...f.values].map(String) };
    else out[k] = { kind: 'none', values: [] };
  }
  return out;
}

maybe('TFRecord files TensorFlow wrote', () => {
  let dir: string;
  let expected: Array<Record<string, PyFeature>>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfslim-wire-'));
    expected = runPython<Array<Record<string, PyFeature>>>(
      `
import base64, json, sys, numpy as np, tensorflow as tf
${DUMP}
d = json.load(sys.stdin)['dir']
rng = np.random.default_rng(0)
exs = []
for i in range(7):
    f = {
        'image/encoded': tf.train.Feature(bytes_list=tf.train.BytesList(value=[rng.bytes(int(rng.integers(0, 300)))])),
        'image/class/label': tf.train.Feature(int64_list=tf.train.Int64List(value=[i, -i, 2**62 + i, -2**63])),
        'scores': tf.train.Feature(float_list=tf.train.FloatList(value=rng.standard_normal(i).astype(np.float32).tolist())),
        'names': tf.train.Feature(bytes_list=tf.train.BytesList(value=[b'a' * j for j in range(i)])),
        'empty': tf.train.Feature(),
    }
    exs.append(tf.train.Example(features=tf.train.Features(feature=f)).SerializeToString())
for comp, name in [('', 'plain'), ('GZIP', 'gzip'), ('ZLIB', 'zlib')]:
    with tf.io.TFRecordWriter(d + '/' + name + '.tfrecord', options=tf.io.TFRecordOptions(compression_type=comp)) as w:
        for e in exs: w.write(e)
print(json.dumps([dump(e) for e in exs]))
`,
      { dir },
    );
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['plain', undefined],
    ['gzip', 'GZIP'],
    ['zlib', 'ZLIB'],
  ] as const)(
    'reads %s records and decodes each tf.Example as TF parses it',
    async (name, compression) => {
      const bytes = readFileSync(join(dir, `${name}.tfrecord`));
      const got: Array<Record<string, PyFeature>> = [];
      for await (const p of readTFRecords(bytes, { compression })) got.push(toPy(decodeExample(p)));
      expect(got).toEqual(expected);
      // The same through a FileStore, in 1-byte chunks of the bytes too.
      const store = new MemoryFileStore();
      await store.writeFile('/f', new Uint8Array(bytes));
      const fromStore: Array<Record<string, PyFeature>> = [];
      for await (const p of readTFRecordFile(store, '/f', { compression }))
        fromStore.push(toPy(decodeExample(p)));
      expect(fromStore).toEqual(expected);
      const oneByte = [...bytes].map((b) => Uint8Array.of(b));
      let n = 0;
      for await (const p of readTFRecords(oneByte, { compression })) {
        expect(toPy(decodeExample(p))).toEqual(expected[n++]);
      }
      expect(n).toBe(expected.length);
    },
  );
});

maybe('TFRecord files we write', () => {
  it('TensorFlow reads them (plain, GZIP, ZLIB) and parses our tf.Examples', async () => {
    const examples = [0, 1, 2].map((i) =>
      encodeExample({
        label: { kind: 'int64', values: [i, -5, 2n ** 62n] },
        text: { kind: 'bytes', values: ['héllo', Uint8Array.of(0, 255, i)] },
        x: { kind: 'float', values: Float32Array.of(0.1 * i, -2.5, 1e-30) },
        none: { kind: 'float', values: [] },
      }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'tfslim-wire-'));
    try {
      const comps = ['', 'GZIP', 'ZLIB'] as const;
      for (const c of comps) {
        writeFileSync(join(dir, `ours${c}`), await encodeTFRecords(examples, { compression: c }));
      }
      const tfSees = runPython<Array<Array<Record<string, PyFeature>>>>(
        `
import base64, json, sys, tensorflow as tf
${DUMP}
inp = json.load(sys.stdin)
print(json.dumps([[dump(r.numpy()) for r in tf.data.TFRecordDataset(inp['dir'] + '/ours' + c, compression_type=c)] for c in inp['comps']]))
`,
        { dir, comps },
      );
      const ours = examples.map((e) => toPy(decodeExample(e)));
      expect(tfSees).toEqual([ours, ours, ours]);
      expect(tfSees[0]![1]!['label']!.values).toEqual(['1', '-5', String(2n ** 62n)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('damaged TFRecords', () => {
  const records = [Uint8Array.of(1, 2, 3), new Uint8Array(50).fill(7), Uint8Array.of(9)];
  const good = frameRecords(records);

  async function drain(source: Uint8Array): Promise<unknown> {
    try {
      for await (const _ of readTFRecords(source, { file: 'x.tfrecord' })) void _;
      return undefined;
    } catch (e) {
      return e;
    }
  }

  it('names a payload CRC mismatch with the file and record index', async () => {
    const bad = good.slice();
    bad[19 + 12 + 10]! ^= 1; // inside record 1's payload
    const e = (await drain(bad)) as TFRecordCorruptError;
    expect(e).toBeInstanceOf(TFRecordCorruptError);
    expect(e).toMatchObject({ code: 'DATA_CRC', file: 'x.tfrecord', recordIndex: 1, offset: 19 });
    expect(e.message).toMatch(/record 1 \(byte 19\) of x\.tfrecord/);
  });

  it('names a length CRC mismatch', async () => {
    const bad = good.slice();
    bad[19 + 9]! ^= 0x10;
    expect(await drain(bad)).toMatchObject({ code: 'LENGTH_CRC', recordIndex: 1 });
  });

  it('calls a file ending inside a record truncated', async () => {
    for (const cut of [good.length - 1, good.length - 3, 19 + 5]) {
      expect(await drain(good.subarray(0, cut))).toMatchObject({ code: 'TRUNCATED' });
    }
  });

  it('rejects a record claiming far more than the file holds without allocating it', async () => {
    // A valid header claiming 2^40 bytes: length CRC correct, so only the size can catch it.
    const header = frameRecords([new Uint8Array(0)])
      .subarray(0, 12)
      .slice();
    header[5] = 1; // length = 2^40
    const { crc32cRange, maskCrc } = await import('./crc32c');
    const crc = maskCrc(crc32cRange(header, 0, 8));
    header.set([crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24], 8);
    const store = new MemoryFileStore();
    await store.writeFile('/big', Uint8Array.of(...good, ...header, 1, 2, 3));
    const got: Uint8Array[] = [];
    let err: unknown;
    try {
      for await (const p of readTFRecordFile(store, '/big')) got.push(p);
    } catch (e) {
      err = e;
    }
    expect(got).toHaveLength(3);
    expect(err).toMatchObject({ code: 'TRUNCATED', recordIndex: 3, file: '/big' });
    expect((err as Error).message).toMatch(/claiming 1099511627776 bytes/);
    expect(await drain(Uint8Array.of(...header, 1, 2))).toMatchObject({ code: 'TRUNCATED' });
  });

  it('reports GZIP bytes that do not inflate', async () => {
    let err: unknown;
    try {
      for await (const _ of readTFRecords(good, { compression: 'GZIP' })) void _;
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: 'TFRecordCorruptError', code: 'DECOMPRESS' });
  });
});

describe('onCorrupt', () => {
  it('skips a record whose payload CRC is wrong and goes on; ends the input after broken framing', async () => {
    const good = frameRecords([Uint8Array.of(1), Uint8Array.of(2, 2), Uint8Array.of(3)]);
    const bad = good.slice();
    bad[17 + 12]! ^= 1; // record 1's payload
    const seen: string[] = [];
    const got: number[] = [];
    const onCorrupt = (e: TFRecordCorruptError) => (
      seen.push(`${e.code}@${e.recordIndex}`),
      'skip' as const
    );
    for await (const p of readTFRecords(bad, { onCorrupt })) got.push(p[0]!);
    expect(got).toEqual([1, 3]);
    const cut = good.subarray(0, good.length - 2);
    for await (const p of readTFRecords(cut, { onCorrupt })) got.push(p[0]!);
    expect(got).toEqual([1, 3, 1, 2]);
    expect(seen).toEqual(['DATA_CRC@1', 'TRUNCATED@2']);
  });
});
