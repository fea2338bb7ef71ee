// Smoke test of the seed experiment: one short epoch of runs A and B, run as users run it
// (a plain `node` child on the BUILT example and packages; run `npm run build` at the root
// first), then the reruns a user makes: same settings (resumes and says so), other settings
// (refused, naming --fresh), --fresh (starts over).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { listEventFiles, readEvents } from '@tfslim/summary';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dirs = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function spawnMain(logdir, extra = [], cwd = process.cwd()) {
  return spawnSync(
    process.execPath,
    [
      main,
      '--epochs',
      '1',
      '--train-limit',
      '2000',
      '--test-limit',
      '2000',
      '--runs',
      'A,B',
    ].concat(['--logdir', logdir], extra),
    { encoding: 'utf8', timeout: 120_000, cwd, env: { ...process.env, INIT_CWD: cwd } },
  );
}

function run(logdir, extra = [], cwd = process.cwd()) {
  const r = spawnMain(logdir, extra, cwd);
  assert.equal(r.status, 0, `main.js failed:\n${r.stdout}\n${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULTS '));
  assert.ok(line, `no RESULTS line in:\n${r.stdout}`);
  return { stdout: r.stdout, results: JSON.parse(line.slice('RESULTS '.length)) };
}

/** step -> how many values of `tag` the event files under `dir` hold at it. */
async function stepsOf(dir, tag) {
  const counts = new Map();
  for (const file of await listEventFiles(dir))
    for await (const e of readEvents(file))
      for (const v of e.values)
        if (v.tag === tag) counts.set(e.step, (counts.get(e.step) ?? 0) + 1);
  return counts;
}

test('built: dist/main.js exists (npm run build)', () => {
  assert.ok(existsSync(main), `${main} is missing: run npm run build at the repository root`);
});

test('runs A and B: table, 10x loss ratio, accuracy trap, logs, checkpoints; reruns', async () => {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'mnist-seed-'));
  dirs.push(parent);
  const logdir = path.join(parent, 'runs');
  // Run from `parent` with a relative --logdir: paths print relative to where the user stands.
  const { stdout, results } = run('runs', [], parent);
  assert.match(stdout, /\| run \| loss/);
  assert.match(stdout, /^\| A {3}\| perExampleSquaredError/m);
  assert.match(stdout, /^\| B {3}\| meanSquaredError/m);
  assert.match(stdout, /logs in runs\/<run>\//);
  assert.match(stdout, /TensorBoard: tensorboard --logdir runs$/m);
  assert.ok(Math.abs(results.ratio - 10) < 1e-4, `A/B loss ratio ${results.ratio}`);
  assert.match(stdout, /AccuracyMismatchError: .*sparseCategoricalAccuracy/);
  // The backend was picked for this model: both backends timed, the slower one rejected
  // with its time (unless TFSLIM_BACKEND forces one, or tfjs-node does not load here).
  const bothStarted = /^ {2}(tensorflow|wasm): slower for this work: [\d.]+ ms\/step vs/m.test(
    stdout,
  );
  const nativeUnavailable = /^ {2}tensorflow: (?!slower for this work)/m.test(stdout);
  if (!process.env.TFSLIM_BACKEND && !nativeUnavailable)
    assert.ok(bothStarted, `no timed pick in:\n${stdout.slice(0, 1500)}`);
  if (bothStarted)
    assert.match(
      stdout,
      /^picked by timing this work: tensorflow [\d.]+ ms\/step, wasm [\d.]+ ms\/step$/m,
    );
  const [a, b] = results.rows;
  assert.equal(a.globalStep, 62);
  assert.equal(a.checkpoint, path.join('runs', 'A', 'model.ckpt-62'));
  assert.ok(a.testAccuracy > 0.45, `A test accuracy ${a.testAccuracy}`);
  assert.ok(a.trainAccuracy > 0.45, `A train accuracy ${a.trainAccuracy}`);
  // The trap itself: same steps, 10x smaller gradients, far behind A.
  assert.ok(b.testAccuracy < a.testAccuracy, `B ${b.testAccuracy} vs A ${a.testAccuracy}`);
  for (const r of ['A', 'B']) {
    assert.ok(existsSync(path.join(logdir, r, 'model.ckpt-62.index')));
    assert.ok(readdirSync(path.join(logdir, r)).some((f) => f.startsWith('events.out.tfevents.')));
    assert.ok(
      readdirSync(path.join(logdir, r, 'eval_test')).some((f) =>
        f.startsWith('events.out.tfevents.'),
      ),
    );
  }

  // Same settings: resumes (and says so), nothing left to train, no second eval event.
  const again = run(logdir);
  assert.match(
    again.stdout,
    /^Resuming the runs in .* \(same settings: --epochs 1 --train-limit 2000 --test-limit 2000/m,
  );
  assert.match(again.stdout, /\[A\] resuming from .*model\.ckpt-62 \(step 62 of 62\)/);
  for (const row of again.results.rows) {
    assert.equal(row.steps, 0);
    assert.match(row.resumedFrom, /model\.ckpt-62$/);
  }
  assert.equal(again.results.rows[0].testAccuracy, a.testAccuracy);
  for (const r of ['A', 'B']) {
    for (const split of ['eval_test', 'eval_train'])
      assert.deepEqual([...(await stepsOf(path.join(logdir, r, split), 'accuracy'))], [[62, 1]]);
    for (const [step, n] of await stepsOf(path.join(logdir, r), 'total_loss'))
      assert.equal(n, 1, `run ${r}: ${n} total_loss values at step ${step}`);
  }

  // Other settings: refused with an error naming --fresh; nothing touched.
  const other = spawnMain(logdir, ['--train-limit', '1000']);
  assert.equal(other.status, 2, other.stderr);
  assert.match(
    other.stderr,
    /expected .* to hold runs with the same settings, got runs made with --epochs 1 --train-limit 2000 .*not --epochs 1 --train-limit 1000 .*Pass --fresh to delete them and start over, or --logdir <another dir>\./,
  );
  assert.ok(existsSync(path.join(logdir, 'A', 'model.ckpt-62.index')));

  // --fresh: deletes only what the program wrote there, then trains from step 0.
  writeFileSync(path.join(logdir, 'notes.txt'), 'mine');
  const fresh = run(logdir, ['--train-limit', '1000', '--fresh']);
  assert.match(fresh.stdout, /^--fresh: deleted /m);
  for (const row of fresh.results.rows) {
    assert.equal(row.resumedFrom, null);
    assert.equal(row.globalStep, 31);
  }
  assert.ok(existsSync(path.join(logdir, 'notes.txt')), '--fresh deleted a file it did not write');
  assert.ok(!existsSync(path.join(logdir, 'A', 'model.ckpt-62.index')));
});
