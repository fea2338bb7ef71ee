// Benchmark: why @tfslim/wire-formats keeps a hand-written protobuf layer. tf.Example decode and
// encode through ours against @bufbuild/protobuf (its generated schema, lib/proto/example-pb.js),
// interleaved rounds, medians; plus what each adds to a minified, gzipped browser bundle.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { decodeExample, encodeExample } from '@tfslim/wire-formats';
import { build } from 'esbuild';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ExampleSchema } from './lib/proto/example-pb.js';
import { median, pad } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = 11;
const EXAMPLES = 200;
const image = new Uint8Array(16384).map((_, i) => (i * 7) & 255);
const scores = Array.from({ length: 1000 }, (_, i) => i / 7);
const jpeg = new TextEncoder().encode('jpeg');
const load = () => loadavg()[0].toFixed(1);
const loadBefore = load();

function oursFeatures(i) {
  return {
    'image/encoded': { kind: 'bytes', values: [image] },
    'image/format': { kind: 'bytes', values: [jpeg] },
    'image/class/label': { kind: 'int64', values: [i % 1000] },
    scores: { kind: 'float', values: scores },
  };
}

function bufbuildMessage(i) {
  const feature = (kase, value) => ({ kind: { case: kase, value: { value } } });
  return create(ExampleSchema, {
    features: {
      feature: {
        'image/encoded': feature('bytesList', [image]),
        'image/format': feature('bytesList', [jpeg]),
        'image/class/label': feature('int64List', [BigInt(i % 1000)]),
        scores: feature('floatList', scores),
      },
    },
  });
}

/** Each library reads the other's bytes to the same values, so both do the same work. */
function crossCheck(ours, theirs) {
  const a = decodeExample(theirs);
  const b = fromBinary(ExampleSchema, ours).features.feature;
  const same =
    a.get('image/class/label').values[0] === 3n &&
    b['image/class/label'].kind.value.value[0] === 3n &&
    a.get('scores').values.length === 1000 &&
    Math.abs(b.scores.kind.value.value[5] - Math.fround(scores[5])) === 0;
  if (!same) throw new Error('proto-example: the two libraries disagree on a tf.Example');
}

/** Milliseconds per call of `fn`, after a warm-up. */
function msPerCall(fn, calls) {
  globalThis.gc?.(); // run with --expose-gc (npm run bench does): no collection left from the other side
  for (let i = 0; i < 3; i++) fn();
  const t = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return (performance.now() - t) / calls;
}

async function gzippedBundleBytes(source) {
  const out = await build({
    stdin: { contents: source, resolveDir: here, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return gzipSync(out.outputFiles[0].contents).length;
}

const ours = Array.from({ length: EXAMPLES }, (_, i) => encodeExample(oursFeatures(i)));
const theirs = Array.from({ length: EXAMPLES }, (_, i) =>
  toBinary(ExampleSchema, bufbuildMessage(i)),
);
crossCheck(ours[3], theirs[3]);

const times = { decodeOurs: [], decodeBufbuild: [], encodeOurs: [], encodeBufbuild: [] };
for (let r = 0; r < ROUNDS; r++) {
  times.decodeOurs.push(msPerCall(() => ours.forEach((b) => decodeExample(b)), 10));
  times.decodeBufbuild.push(msPerCall(() => ours.forEach((b) => fromBinary(ExampleSchema, b)), 10));
  times.encodeOurs.push(msPerCall(() => ours.forEach((_, i) => encodeExample(oursFeatures(i))), 5));
  times.encodeBufbuild.push(
    msPerCall(() => ours.forEach((_, i) => toBinary(ExampleSchema, bufbuildMessage(i))), 5),
  );
}
const us = (key) => (median(times[key]) / EXAMPLES) * 1000;
const bundleOurs = await gzippedBundleBytes(
  "import { decodeExample, encodeExample } from '@tfslim/wire-formats'; console.log(decodeExample, encodeExample);",
);
const bundleBufbuild = await gzippedBundleBytes(
  "import { fromBinary, toBinary } from '@bufbuild/protobuf'; import { ExampleSchema } from './lib/proto/example-pb.js'; console.log(fromBinary, toBinary, ExampleSchema);",
);

console.log(`tf.Example (16 KB image, 1000 floats, a label), ${ROUNDS} rounds, us per example`);
console.log(`${pad('what', 28)}${pad('ours', 10)}@bufbuild/protobuf`);
console.log(
  `${pad('decode', 28)}${pad(us('decodeOurs').toFixed(1), 10)}${us('decodeBufbuild').toFixed(1)}`,
);
console.log(
  `${pad('encode', 28)}${pad(us('encodeOurs').toFixed(1), 10)}${us('encodeBufbuild').toFixed(1)}`,
);
console.log(`${pad('bundle (min+gzip, bytes)', 28)}${pad(bundleOurs, 10)}${bundleBufbuild}`);
console.log(
  `BENCH proto-example ours_decode_us=${us('decodeOurs').toFixed(1)} bufbuild_decode_us=${us('decodeBufbuild').toFixed(1)} ` +
    `decode_ratio=${(us('decodeOurs') / us('decodeBufbuild')).toFixed(2)} ours_encode_us=${us('encodeOurs').toFixed(1)} ` +
    `bufbuild_encode_us=${us('encodeBufbuild').toFixed(1)} encode_ratio=${(us('encodeOurs') / us('encodeBufbuild')).toFixed(2)} ` +
    `bundle_ours_gz=${bundleOurs} bundle_bufbuild_gz=${bundleBufbuild} load_before=${loadBefore} load_after=${load()}`,
);
