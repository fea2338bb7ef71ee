// Smoke test of the seed experiment: one short epoch of runs A and B, run as users run it
// (a plain `node` child on the BUILT packages; run `npm run build` at the root first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const main = fileURLToPath(new URL('../src/main.mjs', import.meta.url));

function run(logdir) {
  const r = spawnSync(
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
      '--logdir',
      logdir,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(r.status, 0, `main.mjs failed:\n${r.stdout}\n${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULTS '));
  assert.ok(line, `no RESULTS line in:\n${r.stdout}`);
  return { stdout: r.stdout, results: JSON.parse(line.slice('RESULTS '.length)) };
}

test('runs A and B: table, 10x loss ratio, accuracy trap, logs, checkpoints, resume', () => {
  const logdir = mkdtempSync(path.join(os.tmpdir(), 'mnist-seed-'));
  const { stdout, results } = run(logdir);
  assert.match(stdout, /\| run \| loss/);
  assert.match(stdout, /^\| A {3}\| perExampleSquaredError/m);
  assert.match(stdout, /^\| B {3}\| meanSquaredError/m);
  assert.ok(Math.abs(results.ratio - 10) < 1e-4, `A/B loss ratio ${results.ratio}`);
  assert.match(stdout, /AccuracyMismatchError: .*sparseCategoricalAccuracy/);
  const [a, b] = results.rows;
  assert.equal(a.globalStep, 62);
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
  // Rerun: both runs resume from their last checkpoint, with nothing left to train.
  const again = run(logdir);
  for (const row of again.results.rows) {
    assert.equal(row.steps, 0);
    assert.match(row.resumedFrom, /model\.ckpt-62$/);
  }
  assert.equal(again.results.rows[0].testAccuracy, a.testAccuracy);
});
