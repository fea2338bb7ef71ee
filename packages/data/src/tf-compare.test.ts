// Our pipeline against TensorFlow on files TF wrote at test time: TFRecord parsing, JPEG/PNG
// decoding, slim's vgg_preprocessing, Keras' image folder labels.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { testBackends, tfUnavailableReason } from '@tfslim-internal/testing';
import {
  decodeImage,
  fixedLen,
  imageDecoder,
  imageFolder,
  parseExample,
  tfrecordDataset,
  varLen,
  vggPreprocess,
} from './index';
import { tfOracle, type TfOracle } from './tf-oracle.test-helpers';

const skip = tfUnavailableReason();
if (skip !== null) console.log(`tf-compare.test: skipped: ${skip}`);
const maybe = skip === null ? describe : describe.skip;

const SPEC = {
  'image/encoded': fixedLen([], 'string'),
  'image/format': fixedLen([], 'string', 'png'),
  'image/class/label': fixedLen([], 'int64'),
  'image/height': fixedLen([], 'int64'),
  'image/width': fixedLen([], 'int64'),
  scores: varLen('float32'),
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

maybe('against TensorFlow', () => {
  let dir: string;
  let o: TfOracle;
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
    dir = mkdtempSync(join(tmpdir(), 'tfslim-data-'));
    o = tfOracle(dir);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['plain', undefined],
    ['GZIP', 'GZIP'],
  ] as const)(
    'parses %s shards found by a pattern as tf.io.parse_single_example does',
    async (_, compression) => {
      const before = tf.memory().numTensors;
      const pattern = join(
        dir,
        compression ? 'train-*-of-00003.tfrecord.gz' : 'train-*-of-00003.tfrecord',
      );
      const got: TfOracle['records'] = [];
      const ds = tfrecordDataset(pattern, { compression }).map((r) => {
        const ex = parseExample(r, SPEC);
        const out = {
          label: ex['image/class/label'].arraySync() as number,
          height: ex['image/height'].arraySync() as number,
          width: ex['image/width'].arraySync() as number,
          scores: [...ex.scores.dataSync()],
          format: new TextDecoder().decode(ex['image/format']),
          encoded: Buffer.from(ex['image/encoded']).toString('base64'),
        };
        tf.dispose([ex['image/class/label'], ex['image/height'], ex['image/width'], ex.scores]);
        return out;
      });
      for await (const r of ds) got.push(r);
      expect(got.map((r) => ({ ...r, scores: r.scores.map((s) => Math.fround(s)) }))).toEqual(
        o.records.map((r) => ({ ...r, scores: r.scores.map((s) => Math.fround(s)) })),
      );
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  describe.each(testBackends())('images on %s', (backend) => {
    beforeAll(async () => {
      await selectBackend({ require: backend, env: {} });
    });

    it('decodes PNGs exactly as tf.io.decode_png (RGB, RGBA, RGBA to RGB)', async () => {
      for (const [name, channels] of [
        ['c.png', 3],
        ['d.png', 4],
        ['d3.png', 3],
      ] as const) {
        const file = name === 'd3.png' ? 'd.png' : name;
        const img = await decodeImage(readFileSync(join(dir, file)), { channels });
        expect(img.shape).toEqual(o.images[name]!.shape);
        expect([...img.dataSync()]).toEqual(o.images[name]!.pixels);
        img.dispose();
      }
    });

    it('decodes JPEGs as tf.io.decode_jpeg: exactly with the tensorflow backend, within a few levels with jpeg-js', async () => {
      for (const name of ['a.jpg', 'b444.jpg']) {
        const img = await decodeImage(readFileSync(join(dir, name)));
        const want = o.images[name]!;
        expect(img.shape).toEqual(want.shape);
        const got = img.dataSync();
        img.dispose();
        if (imageDecoder() === 'tensorflow') {
          expect([...got]).toEqual(want.pixels);
          continue;
        }
        // jpeg-js has its own IDCT and upsamples 4:2:0 chroma by replication where libjpeg
        // interpolates ("fancy upsampling"): equal on average, a few levels apart at edges.
        const max = maxAbsDiff(got, want.pixels);
        const mean = meanAbsDiff(got, want.pixels);
        if (name === 'b444.jpg') expect(max).toBeLessThanOrEqual(4);
        else expect(max).toBeLessThanOrEqual(16);
        expect(mean).toBeLessThan(name === 'b444.jpg' ? 1.2 : 2.5);
      }
    });

    it("matches slim's vgg_preprocessing (eval; train with fixed choices) on TF's decoded pixels", () => {
      const before = tf.memory().numTensors;
      const want = o.images['vgg.jpg']!;
      const img = tf.tensor3d(want.pixels, want.shape as [number, number, number], 'int32');
      const evalOut = vggPreprocess(img, { isTraining: false });
      const trainOut = vggPreprocess(img, { isTraining: true, fixed: o.vggTrainFixed });
      img.dispose();
      expect(evalOut.shape).toEqual([224, 224, 3]);
      expect(evalOut.dtype).toBe('float32');
      // Bilinear weights in float32 on both sides; the wasm/tensorflow kernels may order the
      // sums differently: float32 rounding of values up to 255.
      expect(maxAbsDiff(evalOut.dataSync(), o.vggEval)).toBeLessThan(1e-3);
      expect(maxAbsDiff(trainOut.dataSync(), o.vggTrain)).toBeLessThan(1e-3);
      tf.dispose([evalOut, trainOut]);
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  it("labels an image folder as Keras' image_dataset_from_directory does", async () => {
    const folder = await imageFolder(join(dir, 'photos'));
    expect(folder.classNames).toEqual(o.classes);
    expect(folder.files.map((f) => [f.file.split('/').slice(-2).join('/'), f.label])).toEqual([
      ['daisy/0.png', 0],
      ['daisy/1.png', 0],
      ['roses/0.png', 1],
      ['roses/1.png', 1],
      ['tulips/0.png', 2],
      ['tulips/1.png', 2],
    ]);
    let n = 0;
    for await (const f of folder.dataset) n += f.bytes.length > 0 ? 1 : 0;
    expect(n).toBe(6);
  });
});
