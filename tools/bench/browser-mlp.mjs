// Benchmark: the seed MLP train step (784-256-128-10, batch 32, SGD 0.01, squared error summed
// over classes / 32: ../shared/spec/seed-experiment.md run A) in headless Chromium on the wasm
// backend: tfslim (createTrainOp + @tfslim/layers) against tfjs-layers model.fit, in the same
// page, on the same 16 batches. The page (lib/browser-mlp/page.js) is bundled from the BUILT
// packages with esbuild --platform=browser (as examples/browser's bundle test does) and served
// on 127.0.0.1 with tfjs-backend-wasm's .wasm files; Chromium as examples/browser's page test
// launches it (playwright-core, TFSLIM_CHROMIUM or /usr/bin/chromium). A warm-up round, then
// BROWSER_BENCH_ROUNDS rounds (default 7) of one epoch each, alternating which side goes
// first; medians; ratio = median of per-round ratios (ours / tfjs-layers).
import { chromiumPath } from '@tfslim-internal/testing/required.cjs';
import * as esbuild from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/stats.mjs';

const ROUNDS = Number(process.env.BROWSER_BENCH_ROUNDS ?? 7);
const here = dirname(fileURLToPath(import.meta.url));
const loads = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join('/');
const loadBefore = loads();
console.log(`browser-mlp: os.loadavg() ${loadBefore}`);

const chromium = chromiumPath();
if (!existsSync(chromium)) {
  console.log(`browser-mlp: skipped, no Chromium at ${chromium} (set TFSLIM_CHROMIUM)`);
  console.log('BENCH browser-mlp skipped=no-chromium');
  process.exit(0);
}

const page = join(here, 'lib/browser-mlp');
const tmp = mkdtempSync(join(tmpdir(), 'tfslim-browser-mlp-'));
// Resolve as an app does (exports maps, `browser` condition), not through tsconfig `paths`.
writeFileSync(join(tmp, 'tsconfig.json'), '{}');
const bundle = await esbuild.build({
  entryPoints: [join(page, 'page.js')],
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  write: false,
  logLevel: 'error',
  tsconfig: join(tmp, 'tsconfig.json'),
});
const wasmDir = dirname(
  createRequire(import.meta.url).resolve(
    '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  ),
);
const files = {
  '/': ['text/html', readFileSync(join(page, 'index.html'))],
  '/page.js': ['text/javascript', Buffer.from(bundle.outputFiles[0].contents)],
};
for (const name of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'])
  files[`/wasm/${name}`] = ['application/wasm', readFileSync(join(wasmDir, name))];
const server = createServer((req, res) => {
  const file = files[new URL(req.url ?? '/', 'http://x').pathname];
  if (!file) res.writeHead(404).end('not found');
  else res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const { chromium: launcher } = await import('playwright-core');
const browser = await launcher.launchPersistentContext(join(tmp, 'profile'), {
  executablePath: chromium,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
});
const times = { ours: [], layers: [] };
const ratios = [];
let info;
let tensorsGrew = 0;
try {
  const tab = await browser.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(String(e)));
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  info = await tab.evaluate(async () => {
    const b = await window.bench; // eslint-disable-line no-undef
    return { backend: b.backend, simd: b.simd };
  });
  const round = (oursFirst) =>
    tab.evaluate(async (first) => (await window.bench).round(first), oursFirst); // eslint-disable-line no-undef
  const warm = await round(true);
  let tensors = warm.tensors;
  for (let r = 0; r < ROUNDS; r++) {
    const { ours, layers, tensors: now } = await round(r % 2 === 0);
    times.ours.push(ours);
    times.layers.push(layers);
    ratios.push(ours / layers);
    tensorsGrew = Math.max(tensorsGrew, now - tensors);
    tensors = now;
    console.log(
      `round ${r + 1}/${ROUNDS}: ours ${ours.toFixed(2)} ms, tfjs-layers ${layers.toFixed(2)} ms; ` +
        `os.loadavg() ${loads()}`,
    );
  }
  if (errors.length > 0) throw new Error(`browser-mlp: page errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  server.close();
  rmSync(tmp, { recursive: true, force: true });
}

const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const ours = median(times.ours);
const layers = median(times.layers);
console.log(
  `\nSeed MLP train step in Chromium (${info.backend}${info.simd ? ', SIMD' : ''}), batch 32, ` +
    `${ROUNDS} rounds of 16 steps: tfslim createTrainOp ${fmt(ours)} ms, tfjs-layers model.fit ` +
    `${fmt(layers)} ms`,
);
console.log(
  `BENCH browser-mlp ours_ms=${fmt(ours)} tfjs_layers_ms=${fmt(layers)} ` +
    `ratio=${fmt(median(ratios), 2)} backend=${info.backend} simd=${info.simd} ` +
    `tensors_grew=${tensorsGrew} rounds=${ROUNDS} load_before=${loadBefore} load_after=${loads()}`,
);
