// Builds the page with Vite, serves it on 127.0.0.1, and trains in Debian's Chromium (driven by
// playwright-core; no browser download): the loss must fall on the wasm backend, checkpoints
// and event files must land in the in-memory store, and a page whose .wasm files are not
// served must be told so. Skips, saying why, when /usr/bin/chromium is absent.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumPath, chromiumUnavailableReason } from '@tfslim-internal/testing/required.cjs';

/* global document, window -- in functions that run in the page */

const CHROMIUM = chromiumPath();
const root = fileURLToPath(new URL('..', import.meta.url));
// Under TFSLIM_REQUIRE naming chromium (.ci/run) a missing Chromium throws: the file fails.
const skip = chromiumUnavailableReason() ?? false;
if (skip) console.log(`# skipping the browser test: ${skip}`);

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
};

let outDir;
let profile;
let server;
let browser;
let origin;

before(async () => {
  if (skip) return;
  outDir = mkdtempSync(path.join(os.tmpdir(), 'tfslim-browser-dist-'));
  profile = mkdtempSync(path.join(os.tmpdir(), 'tfslim-chromium-'));
  const { build } = await import('vite');
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.join(outDir, rel);
    if (!file.startsWith(outDir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  const { chromium } = await import('playwright-core');
  // A fresh profile directory (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  for (const d of [outDir, profile]) if (d) rmSync(d, { recursive: true, force: true });
});

/**
 * Opens the page and waits for it to finish; returns window.tfslimResult, console errors, and
 * what `inspect(page)` found before the page closed.
 */
async function run(query = '', inspect = async () => undefined) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`${origin}/${query}`);
    await page.waitForFunction(
      () => document.title === 'done' || document.title === 'failed',
      null,
      {
        timeout: 120_000,
      },
    );
    const result = await page.evaluate(() => window.tfslimResult);
    return { result, errors, inspected: await inspect(page) };
  } finally {
    await page.close();
  }
}

test(
  'trains in Chromium on wasm: the loss falls, checkpoints and summaries in memory',
  { skip },
  async (t) => {
    const { result, errors } = await run();
    t.diagnostic(
      `backend ${result.backend}; losses ${result.losses.map((l) => l.toFixed(4)).join(' ')}`,
    );
    t.diagnostic(`files ${result.files.map((f) => `${f.name}:${f.bytes}`).join(' ')}`);
    assert.equal(result.error, null, result.error ?? '');
    assert.deepEqual(errors, []);
    assert.equal(result.backend, 'wasm');
    assert.ok(result.replacedKernels.length > 0, 'the @tfslim/kernels-wasm kernels are in use');
    const { losses } = result;
    assert.equal(losses.length, 15); // every 10th of 150 steps
    assert.ok(losses.every(Number.isFinite), `finite losses: ${losses}`);
    assert.ok(losses.at(-1) < losses[0] / 5, `loss falls: ${losses[0]} -> ${losses.at(-1)}`);
    assert.equal(result.latest, '/train/model.ckpt-150');
    const names = result.files.map((f) => f.name);
    assert.ok(names.includes('checkpoint'));
    assert.ok(names.includes('model.ckpt-150.index'));
    assert.ok(names.includes('model.ckpt-150.data-00000-of-00001'));
    assert.equal(names.filter((n) => n.includes('tfevents')).length, 1);
    assert.ok(result.files.every((f) => f.bytes > 0));
  },
);

test('a page whose .wasm files are not served is told so', { skip }, async (t) => {
  const { result } = await run('?wasm=missing');
  t.diagnostic(result.error.split('\n').slice(0, 3).join(' | '));
  assert.match(result.error, /expected backend 'wasm'/);
  assert.match(
    result.error,
    /not served \(GET \/no-wasm-here\/tfjs-backend-wasm(-simd)?\.wasm: HTTP 404\)/,
  );
});

test(
  'an IndexedDbFileStore keeps the checkpoints across page loads: the second load resumes',
  { skip },
  async (t) => {
    const first = (await run('?store=indexeddb')).result;
    assert.equal(first.error, null, first.error ?? '');
    assert.equal(first.store, 'indexeddb');
    assert.equal(first.restoredFrom, null);
    assert.equal(first.steps, 150);
    assert.ok(first.losses.at(-1) < first.losses[0] / 5);
    const second = (await run('?store=indexeddb')).result;
    t.diagnostic(`first load: losses ${first.losses.map((l) => l.toFixed(4)).join(' ')}`);
    t.diagnostic(`second load: restored ${second.restoredFrom}, ran ${second.steps} steps`);
    assert.equal(second.error, null, second.error ?? '');
    assert.equal(second.restoredFrom, '/train/model.ckpt-150');
    assert.equal(second.steps, 0);
    assert.deepEqual(
      second.files.map((f) => f.name).filter((n) => !n.includes('tfevents')),
      first.files.map((f) => f.name).filter((n) => !n.includes('tfevents')),
    );
    // Two event files now: one per train call, each load's named by its own page id (a page has
    // no pid), so two loads in the same second never pick the same name.
    const events = second.files.filter((f) => f.name.includes('tfevents')).map((f) => f.name);
    assert.equal(events.length, 2);
    const pageIds = events.map((name) => name.split('.').at(-2));
    assert.notEqual(pageIds[0], pageIds[1], `event files of two loads: ${events.join(', ')}`);
  },
);

test(
  "draws the loss curve from the run's own event file: total_loss at every 5th step",
  { skip },
  async (t) => {
    const screenshot = process.env.TFSLIM_BROWSER_SCREENSHOT;
    const { result, inspected } = await run('', async (page) => {
      if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
      // Pixels of the curve's colour on the canvas (TensorBoard's orange, #f57c00).
      return page.evaluate(() => {
        const canvas = document.getElementById('loss-curve');
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let orange = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i] > 200 && data[i + 1] > 100 && data[i + 1] < 150 && data[i + 2] < 40) orange++;
        }
        return { orange };
      });
    });
    assert.equal(result.error, null, result.error ?? '');
    const { files, points } = result.curve;
    t.diagnostic(`${points.length} points from ${files.join(', ')}; ${inspected.orange} px drawn`);
    assert.equal(files.length, 1);
    assert.match(files[0], /^\/train\/events\.out\.tfevents\./);
    // The first summaries come after step 1, then every saveSummariesSteps (5), up to 150.
    const expected = [1, ...Array.from({ length: 30 }, (_, i) => 5 * (i + 1))];
    assert.deepEqual(
      points.map(([step]) => step),
      expected,
    );
    // The same losses as the log lines (printed to 4 decimals, every 10th step).
    const byStep = new Map(points);
    result.losses.forEach((loss, i) => {
      const step = 10 * (i + 1);
      assert.ok(
        Math.abs(byStep.get(step) - loss) <= 5e-5,
        `step ${step}: ${byStep.get(step)} vs ${loss}`,
      );
    });
    assert.ok(inspected.orange > 200, `the curve is drawn (${inspected.orange} orange pixels)`);
  },
);
