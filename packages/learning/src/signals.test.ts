// Ctrl-C in a real `node` process on the built package: train finishes the step, checkpoints,
// flushes and exits 0; a rerun resumes from that checkpoint.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const packageRoot = path.join(__dirname, '..');
const dist = path.join(packageRoot, 'dist', 'index.js');
const built = fs.existsSync(dist) && fs.readFileSync(dist, 'utf8').includes('stopOnSignals');
if (!built)
  console.warn('signals test skipped: build the package first (npx nx run @tfslim/learning:build)');

const SCRIPT = `
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { fullyConnected } from '@tfslim/layers';
import { meanSquaredError } from '@tfslim/losses';
import { VariableStore } from '@tfslim/variables';
import { createTrainOp, train } from '@tfslim/learning';
await selectBackend({ require: 'cpu', env: {} });
const [logdir, steps] = process.argv.slice(1);
const store = new VariableStore();
const x = tf.tensor2d([[1, 2], [3, -1]]);
const y = tf.tensor2d([[1], [2]]);
const op = createTrainOp(
  (_l, a, b) => meanSquaredError(fullyConnected(a, 1, { scope: 'fc', activation: null }), b),
  tf.train.sgd(0.01),
  { store },
);
const r = await train(op, logdir, {
  data: (function* () { for (;;) yield [x, y]; })(),
  numberOfSteps: Number(steps),
  logEveryNSteps: 1,
  progress: 'none',
  saveIntervalSecs: 3600,
  saveSummariesSecs: 3600,
  log: (l) => console.log(l),
});
console.log('RESULT ' + JSON.stringify(r));
`;

interface Run {
  code: number | null;
  lines: string[];
}

/** Runs the script; with `interruptAt`, sends SIGINT once that step was logged. */
function runChild(logdir: string, steps: number, interruptAt?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', SCRIPT, logdir, String(steps)],
      {
        cwd: packageRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: string[] = [];
    let buffered = '';
    let sent = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const m = /^global step (\d+):/.exec(line);
        if (interruptAt !== undefined && !sent && m && Number(m[1]) >= interruptAt) {
          sent = true;
          child.kill('SIGINT');
        }
      }
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(guard);
      if (buffered) lines.push(buffered);
      if (code !== 0) reject(new Error(`child exited ${code}: ${stderr.slice(-2000)}`));
      else resolve({ code, lines });
    });
  });
}

const result = (run: Run) =>
  JSON.parse(run.lines.find((l) => l.startsWith('RESULT '))!.slice(7)) as {
    globalStep: number;
    lastCheckpoint: string;
    restoredFrom: string | null;
  };

(built ? describe : describe.skip)('SIGINT in a node process', () => {
  it('stops cleanly with a checkpoint at the step reached; a rerun resumes from it', async () => {
    const logdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-sigint-'));
    try {
      const first = await runChild(logdir, 1_000_000, 5);
      expect(first.code).toBe(0);
      expect(first.lines.some((l) => /^SIGINT: stopping after this step/.test(l))).toBe(true);
      const r1 = result(first);
      expect(r1.globalStep).toBeGreaterThanOrEqual(5);
      expect(r1.globalStep).toBeLessThan(1_000_000);
      expect(path.basename(r1.lastCheckpoint)).toBe(`model.ckpt-${r1.globalStep}`);
      expect(fs.existsSync(`${r1.lastCheckpoint}.index`)).toBe(true);
      // The event file was flushed: it holds the final summary at the step reached.
      const events = fs.readdirSync(logdir).filter((f) => f.startsWith('events.out.tfevents'));
      expect(events.length).toBe(1);

      const second = await runChild(logdir, r1.globalStep + 2);
      const r2 = result(second);
      expect(r2.restoredFrom).toBe(r1.lastCheckpoint);
      expect(r2.globalStep).toBe(r1.globalStep + 2);
    } finally {
      fs.rmSync(logdir, { recursive: true, force: true });
    }
  }, 120_000);
});
