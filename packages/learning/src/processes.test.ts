// Two trainers as `node` processes on the built packages, one logdir: the second is refused, the
// first's checkpoints stay its own; a SIGKILLed trainer's lock is taken over.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const packageRoot = path.join(__dirname, '..');
const built = fs.existsSync(path.join(packageRoot, 'dist', 'index.js'));
if (!built) console.warn('learning process tests: skipped, run `npx tsup` in packages/learning');

// Trains to `steps`, saving every step (maxToKeep 3); prints `step N` after each step and,
// at step `pauseAt`, waits until the file `go` exists. Prints the result or the error as JSON.
const TRAINER = `
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { createTrainOp, train } from '@tfslim/learning';
const [logdir, steps, pauseAt, go] = process.argv.slice(1);
await selectBackend({ require: 'cpu', env: {} });
const w = tf.variable(tf.zeros([2, 1]), true, 'w');
const x = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
const y = tf.tensor2d([[1], [2], [3]]);
const op = createTrainOp(() => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))), tf.train.sgd(0.1), {
  variablesToTrain: [w],
});
try {
  const r = await train(op, logdir, {
    numberOfSteps: Number(steps),
    saveIntervalSteps: 1,
    maxToKeep: 3,
    log: null,
    trainStepFn: async (o, batch, { globalStep }) => {
      if (globalStep === Number(pauseAt)) {
        console.log('paused');
        while (!fs.existsSync(go)) await new Promise((r) => setTimeout(r, 20));
      }
      return o(...batch);
    },
  });
  console.log(JSON.stringify({ ok: true, globalStep: r.globalStep, restoredFrom: r.restoredFrom }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, name: e.name, message: e.message, holder: e.holder ?? null }));
}
`;

interface Outcome {
  ok: boolean;
  globalStep?: number;
  restoredFrom?: string | null;
  name?: string;
  message?: string;
  holder?: { pid?: number; host: string } | null;
}

function start(
  script: string,
  args: string[],
): { proc: ChildProcess; paused: Promise<void>; done: Promise<Outcome> } {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], {
    cwd: packageRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let onPaused: () => void = () => undefined;
  const paused = new Promise<void>((r) => (onPaused = r));
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('paused')) onPaused();
  });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Outcome>((resolve, reject) => {
    proc.on('exit', (code, signal) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (signal === 'SIGKILL') resolve({ ok: false, name: 'SIGKILL' });
      else if (last.startsWith('{')) resolve(JSON.parse(last) as Outcome);
      else reject(new Error(`trainer exited with ${code ?? signal}: ${out}${err}`));
    });
  });
  return { proc, paused, done };
}

(built ? describe : describe.skip)('trainers in separate node processes on one logdir', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-trainers-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('the second trainer is refused while the first runs; the first keeps maxToKeep', async () => {
    const logdir = path.join(root, 'run');
    const go = path.join(root, 'go');
    const first = start(TRAINER, [logdir, '10', '4', go]);
    await first.paused;
    const second = await start(TRAINER, [logdir, '30', '-1', go]).done;
    expect(second.ok).toBe(false);
    expect(second.name).toBe('LogdirLockedError');
    expect(second.holder).toMatchObject({ pid: first.proc.pid, host: os.hostname() });
    expect(second.message).toContain(`process ${first.proc.pid} on host ${os.hostname()}`);
    fs.writeFileSync(go, '');
    expect(await first.done).toMatchObject({ ok: true, globalStep: 10 });
    const names = fs.readdirSync(logdir);
    expect(names.filter((n) => n.endsWith('.index')).sort()).toEqual([
      'model.ckpt-10.index',
      'model.ckpt-8.index',
      'model.ckpt-9.index',
    ]);
    expect(names).not.toContain('train.lock');
    // Now free: the next trainer resumes where the first stopped.
    expect(await start(TRAINER, [logdir, '12', '-1', go]).done).toMatchObject({
      ok: true,
      globalStep: 12,
      restoredFrom: path.join(logdir, 'model.ckpt-10'),
    });
  }, 60_000);

  it('a trainer killed with SIGKILL leaves a lock the next trainer takes over', async () => {
    const logdir = path.join(root, 'run');
    const go = path.join(root, 'go');
    const first = start(TRAINER, [logdir, '10', '3', go]);
    await first.paused;
    first.proc.kill('SIGKILL');
    expect(await first.done).toMatchObject({ name: 'SIGKILL' });
    const lock = JSON.parse(fs.readFileSync(path.join(logdir, 'train.lock'), 'utf8')) as {
      pid: number;
    };
    expect(lock.pid).toBe(first.proc.pid);
    const next = await start(TRAINER, [logdir, '6', '-1', go]).done;
    expect(next).toMatchObject({
      ok: true,
      globalStep: 6,
      restoredFrom: path.join(logdir, 'model.ckpt-3'),
    });
    expect(fs.readdirSync(logdir)).not.toContain('train.lock');
  }, 60_000);
});
