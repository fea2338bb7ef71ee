// Smoke test of the fine-tuning workflow, run as users run it (a plain `node` child on the BUILT
// example and packages; run `npm run build` at the root first). TensorFlow writes the inputs: a
// stand-in for the model zoo's vgg_16.ckpt (V1, slim's names and real shapes, random weights),
// a PNG image folder and the same images as TFRecords. Then: both phases train a few steps at
// 32x32 (fc8 only, then everything), a rerun continues, and TensorFlow reads the results back:
// the frozen layers bit-equal to the source after phase 1, fc8 [1,1,4096,3].
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { unmet } from '@tfslim-internal/testing/required.cjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.join(here, '..', 'dist', 'main.js');
const repo = path.resolve(here, '..', '..', '..');
const python = path.join(process.env.TFSLIM_TF_VENV ?? path.join(repo, '.venv'), 'bin', 'python');
/** Why the native `tensorflow` backend cannot run here (VGG16 at full size needs it), or null. */
function nativeProblem() {
  const r = spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], {
    encoding: 'utf8',
    cwd: here,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  return r.status === 0
    ? null
    : `@tensorflow/tfjs-node does not load: ${(r.stderr.match(/^\w*Error:.*$/m) ?? [r.stderr.trim()])[0]}`;
}
const skip =
  unmet(
    'tf',
    existsSync(python)
      ? null
      : `no TensorFlow venv at ${path.dirname(path.dirname(python))} (run \`npm run native:setup\`)`,
  ) ??
  unmet('native', nativeProblem()) ??
  false;
if (skip) console.log(`# skipping the fine-tuning smoke test: ${skip}`);

const dirs = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs one of test/*.py in the venv, JSON in, JSON (last stdout line) out. */
function tf(script, input) {
  const r = spawnSync(python, [path.join(here, script)], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '-1' },
  });
  assert.equal(r.status, 0, `${script} failed:\n${r.stderr.slice(-4000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

function run(args, cwd) {
  const r = spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    cwd,
    env: { ...process.env, INIT_CWD: cwd, TF_CPP_MIN_LOG_LEVEL: '3', TFSLIM_BACKEND: 'tensorflow' },
  });
  assert.equal(r.status, 0, `main.js failed:\n${r.stdout}\n${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULTS '));
  assert.ok(line, `no RESULTS line in:\n${r.stdout}`);
  return { stdout: r.stdout, stderr: r.stderr, results: JSON.parse(line.slice('RESULTS '.length)) };
}

test('built: dist/main.js exists (npm run build)', () => {
  assert.ok(existsSync(main), `${main} is missing: run npm run build at the repository root`);
});

test('usage errors name the missing flag', () => {
  const r = spawnSync(process.execPath, [main, '--images', 'x'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(
    r.stderr,
    /expected --checkpoint <vgg_16\.ckpt>, got none\. Download http:\/\/download\.tensorflow\.org\/models\/vgg_16_2016_08_28\.tar\.gz/,
  );
});

test(
  'vgg_16.ckpt (V1) -> 3 classes: fc8 only, then everything; a rerun continues',
  { skip },
  () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'finetune-vgg16-'));
    dirs.push(dir);
    tf('make-inputs.py', { dir, classes: 3, perClass: 4, size: 40 });
    const args = [
      '--checkpoint',
      'vgg_16.ckpt',
      '--images',
      'images',
      '--eval-tfrecords',
      'train-*.tfrecord',
      '--image-size',
      '32',
      '--batch-size',
      '4',
      '--steps',
      '2',
      '--learning-rate',
      '0.001',
      '--finetune-steps',
      '1',
      '--logdir',
      'runs',
    ];
    const first = run(args, dir);
    assert.match(
      first.stdout,
      /Training on 12 images of 3 classes \(class_0, class_1, class_2\) in images; evaluating on 12 records in train-\*\.tfrecord/,
    );
    assert.match(first.stdout, /--- train_head: training 2 variables \(vgg_16\/fc8\)/);
    assert.match(first.stdout, /--- finetune_all: training 32 variables \(all\)/);
    assert.match(
      first.stdout,
      /\[train_head\] runs\/train_head\/model\.ckpt-2: top-1 [\d.]+%, top-5 100\.00% on 12 images/,
    );
    // The evaluator saw every kept checkpoint once: ImageNet + a new fc8 (step 0), then step 2;
    // phase 2 starts from phase 1's last, so only its own step 1.
    const evaluated = first.stdout.match(/^\[\w+\] \S+: top-1/gm);
    assert.deepEqual(evaluated, [
      '[train_head] runs/train_head/model.ckpt-0: top-1',
      '[train_head] runs/train_head/model.ckpt-2: top-1',
      '[finetune_all] runs/finetune_all/model.ckpt-1: top-1',
    ]);
    assert.match(first.stderr, /train step 2\/2 \(100%\) loss [\d.]+/); // the progress line
    const [head, all] = first.results.phases;
    assert.deepEqual(head.trained, ['vgg_16/fc8/weights', 'vgg_16/fc8/biases']);
    assert.equal(head.globalStep, 2);
    assert.equal(all.globalStep, 1);
    assert.equal(all.trained.length, 32);
    for (const p of [head, all]) {
      assert.ok(p.eval['eval/top1'] >= 0 && p.eval['eval/top1'] <= 1, JSON.stringify(p.eval));
      assert.equal(p.eval['eval/top5'], 1); // 3 classes: the top 3 always hold the label
      const logdir = path.join(dir, 'runs', p.phase);
      assert.ok(readdirSync(logdir).some((f) => f.startsWith('events.out.tfevents.')));
      assert.ok(
        readdirSync(path.join(logdir, 'eval')).some((f) => f.startsWith('events.out.tfevents.')),
      );
    }

    // TensorFlow reads phase 1's checkpoint: all but fc8 bit-equal to vgg_16.ckpt, fc8 3 classes.
    const source = path.join(dir, 'vgg_16.ckpt');
    const [afterHead, afterAll] = tf('compare.py', {
      source,
      trained: [head.checkpoint, all.checkpoint].map((c) => path.join(dir, c)),
    });
    assert.equal(afterHead.globalStep, 2);
    assert.deepEqual(afterHead.fc8, {
      'vgg_16/fc8/weights': [1, 1, 4096, 3],
      'vgg_16/fc8/biases': [3],
    });
    const frozen = Object.entries(afterHead.equal).filter(([n]) => !n.startsWith('vgg_16/fc8/'));
    assert.equal(frozen.length, 30);
    for (const [name, equal] of frozen) assert.ok(equal, `${name} changed in the fc8-only phase`);
    // Phase 2 trained them all: the convolutions moved away from the source.
    assert.equal(afterAll.equal['vgg_16/conv1/conv1_1/weights'], false);
    assert.deepEqual(afterAll.fc8['vgg_16/fc8/weights'], [1, 1, 4096, 3]);

    // Other settings in the same logdir are refused before anything is touched.
    const other = spawnSync(process.execPath, [main, ...args, '--image-size', '64'], {
      encoding: 'utf8',
      cwd: dir,
      env: { ...process.env, INIT_CWD: dir, TFSLIM_BACKEND: 'tensorflow' },
    });
    assert.equal(other.status, 2, other.stderr);
    assert.match(
      other.stderr,
      /expected runs to hold a run with the same settings, got .*"imageSize":32.*, not .*"imageSize":64.*Pass --logdir <another dir>/,
    );

    // A rerun with more fine-tuning steps continues: phase 1 is done, phase 2 goes on from step 1.
    const again = run([...args.slice(0, -4), '--finetune-steps', '2', '--logdir', 'runs'], dir);
    assert.match(again.stdout, /^Resuming the run in runs \(same settings\)\./m);
    const [head2, all2] = again.results.phases;
    assert.equal(head2.steps, 0);
    assert.equal(head2.resumedFrom, 'runs/train_head/model.ckpt-2');
    assert.deepEqual(head2.eval, head.eval); // read back from its events, not evaluated twice
    assert.equal(all2.resumedFrom, 'runs/finetune_all/model.ckpt-1');
    assert.equal(all2.steps, 1);
    assert.equal(all2.globalStep, 2);
    assert.ok(existsSync(path.join(dir, 'runs', 'finetune_all', 'model.ckpt-2.index')));
    assert.match(
      readFileSync(path.join(dir, 'runs', 'finetune_all', 'checkpoint'), 'utf8'),
      /model\.ckpt-2/,
    );
  },
);
