// enableWasmThreads in plain `node` children: the wasm backend initialises once per process, so
// each scenario gets a fresh one (harness/child.mjs, on sources compiled by harness/transpile.mjs).
import { execFile, execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

interface Values {
  matmul: number[];
  convSame: number[];
  convValid2: number[];
}
interface ThreadsResult {
  enabled: boolean;
  threads: number;
  reason?: string;
}
type ChildOutput = Record<string, unknown> & {
  values: Values;
  threadsCount: number;
  flag?: boolean;
};

const harness = join(__dirname, 'harness');
const SCENARIOS = ['threads', 'default', 'stock', 'fallback', 'failures'] as const;
const outputs: Partial<Record<(typeof SCENARIOS)[number], ChildOutput>> = {};
let compiledDir: string | undefined;

/** Runs one scenario; rejects if the child fails or has not exited by itself within 60 s. */
function runChild(index: string, module: string, scenario: string): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(harness, 'child.mjs'), index, module, scenario],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const hung = error.killed ? ' (killed: it did not exit by itself)' : '';
          reject(new Error(`child '${scenario}' failed${hung}: ${error.message}\n${stderr}`));
          return;
        }
        const line = stdout.trim().split('\n').pop() ?? '';
        resolve(JSON.parse(line) as ChildOutput);
      },
    );
  });
}

beforeAll(async () => {
  const built = JSON.parse(
    execFileSync(process.execPath, [join(harness, 'transpile.mjs')], { encoding: 'utf8' }),
  ) as { dir: string; index: string; module: string };
  compiledDir = built.dir;
  await Promise.all(
    SCENARIOS.map(async (scenario) => {
      outputs[scenario] = await runChild(built.index, built.module, scenario);
    }),
  );
}, 180_000);

afterAll(() => {
  if (compiledDir) rmSync(compiledDir, { recursive: true, force: true });
});

function get(scenario: (typeof SCENARIOS)[number]): ChildOutput {
  const output = outputs[scenario];
  if (!output) throw new Error(`no output from child '${scenario}'`);
  return output;
}

// The children's inputs, recomputed here: a 32-bit LCG mapped to [-1, 1).
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function referenceMatmul(): number[] {
  const [B, M, K, N] = [2, 67, 129, 93];
  const a = values(B * M * K, 1);
  const b = values(B * K * N, 2);
  const out: number[] = [];
  for (let n = 0; n < B; n++)
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += a[(n * M + i) * K + k]! * b[(n * K + k) * N + j]!;
        out.push(acc);
      }
  return out;
}

/** NHWC conv2d, HWIO filter; 'same' pads (total - 1) split with the extra at the end, as TF. */
function referenceConv(stride: number, padding: 'same' | 'valid'): number[] {
  const [B, H, W, C, F, O] = [2, 17, 19, 24, 3, 32];
  const x = values(B * H * W * C, 3);
  const w = values(F * F * C * O, 4);
  const oh = padding === 'same' ? Math.ceil(H / stride) : Math.ceil((H - F + 1) / stride);
  const ow = padding === 'same' ? Math.ceil(W / stride) : Math.ceil((W - F + 1) / stride);
  const padTop = padding === 'same' ? Math.floor(Math.max((oh - 1) * stride + F - H, 0) / 2) : 0;
  const padLeft = padding === 'same' ? Math.floor(Math.max((ow - 1) * stride + F - W, 0) / 2) : 0;
  const out: number[] = [];
  for (let n = 0; n < B; n++)
    for (let r = 0; r < oh; r++)
      for (let c = 0; c < ow; c++)
        for (let o = 0; o < O; o++) {
          let acc = 0;
          for (let fr = 0; fr < F; fr++)
            for (let fc = 0; fc < F; fc++) {
              const ir = r * stride + fr - padTop;
              const ic = c * stride + fc - padLeft;
              if (ir < 0 || ir >= H || ic < 0 || ic >= W) continue;
              for (let ci = 0; ci < C; ci++)
                acc += x[((n * H + ir) * W + ic) * C + ci]! * w[((fr * F + fc) * C + ci) * O + o]!;
            }
          out.push(acc);
        }
  return out;
}

const references = () => ({
  matmul: referenceMatmul(),
  convSame: referenceConv(1, 'same'),
  convValid2: referenceConv(2, 'valid'),
});

function maxError(got: number[], want: number[]): number {
  expect(got).toHaveLength(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  }
  return worst;
}

function expectMatchesReference(v: Values): void {
  const want = references();
  for (const key of ['matmul', 'convSame', 'convValid2'] as const) {
    expect(maxError(v[key], want[key])).toBeLessThan(1e-5);
  }
}

describe('enableWasmThreads (plain node children)', () => {
  it('runs the multi-threaded SIMD binary with the requested pool', () => {
    const out = get('threads');
    expect(out['result']).toEqual({ enabled: true, threads: 2 });
    expect(out['again']).toEqual({ enabled: true, threads: 2 }); // second call: first success
    expect(out.flag).toBe(true);
    expect(out['backend']).toBe('wasm');
    expect(out['globalWorker']).toBe('undefined'); // emscripten's global Worker taken back
    expect(out.threadsCount).toBe(2); // tfjs-backend-wasm's own getThreadsCount()
    // One pthread beside the main thread really runs; emscripten's 7 spare workers are ended.
    expect(out['pool']).toEqual({ running: 1, idle: 0 });
  });

  it('defaults to the CPUs Node may use, at most 8', () => {
    const out = get('default');
    const cpus = Math.min(availableParallelism(), 8);
    if (cpus >= 2) {
      expect(out['result']).toEqual({ enabled: true, threads: cpus });
      expect(out.threadsCount).toBe(cpus);
    } else {
      expect(out['result']).toMatchObject({ enabled: false, threads: 1 });
      expect(out.threadsCount).toBe(1);
    }
    expectMatchesReference(out.values);
  });

  it('computes matmul and conv2d like a float64 reference and the stock binary', () => {
    const mt = get('threads').values;
    expectMatchesReference(mt);
    const st = get('stock').values;
    for (const key of ['matmul', 'convSame', 'convValid2'] as const) {
      expect(maxError(mt[key], st[key])).toBeLessThan(1e-6);
    }
  });

  it('builds a fresh threaded backend when the engine is reset', () => {
    const after = get('threads')['afterReset'] as {
      threadsCount: number;
      pool: unknown;
      values: Values;
    };
    expect(after.threadsCount).toBe(2);
    expect(after.pool).toEqual({ running: 1, idle: 0 });
    expectMatchesReference(after.values);
  });

  it('leaves the stock single-threaded binary alone when not called', () => {
    const out = get('stock');
    expect(out.threadsCount).toBe(1);
    expect(out.flag).toBe(false);
    expectMatchesReference(out.values);
  });

  it('falls back with a reason for 1 thread or a backend already initialised', () => {
    const out = get('fallback');
    const one = out['one'] as ThreadsResult;
    expect(one).toMatchObject({ enabled: false, threads: 1 });
    expect(one.reason).toMatch(/threads: 1/);
    expect(out['badInput']).toMatch(
      /^WasmThreadsOptionError \(WASM_THREADS_OPTION\): enableWasmThreads: expected options.threads to be an integer >= 1, got 0\./,
    );
    const late = out['late'] as ThreadsResult;
    expect(late).toMatchObject({ enabled: false, threads: 1 });
    expect(late.reason).toMatch(/already initialised .*before the first tf.setBackend\('wasm'\)/);
    expect(out.threadsCount).toBe(1);
    expect(out.flag).toBe(false);
    expectMatchesReference(out.values);
  });

  it('turns worker failures into errors, cleans up, and the stock binary still works', () => {
    const out = get('failures');
    expect(out['throwing']).toMatch(/^a pthread worker failed to start: boom/);
    expect(out['quitting']).toMatch(/^a pthread worker exited \(code 0\) before it loaded/);
    expect(out['silent']).toMatch(/not ready after 2000 ms/);
    expect(out['listenersLeft']).toBe(0); // emscripten's process listeners taken back off
    expect(out.threadsCount).toBe(1);
    expectMatchesReference(out.values);
  });
});
