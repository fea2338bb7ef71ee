// Runs mutants through the readers in a child process with a watchdog (a read that does not
// answer in time is a hang: the child is killed and replaced) and an allocation cap (a small
// heap, and the growth of its ArrayBuffer memory measured during each read), and counts the
// outcomes per format.
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Files, Mutant } from './formats';
import { mutant, recordOriginal, writeOriginal } from './formats';
import { mulberry32 } from './mutate';
import type { Format, Outcome } from './protocol';
import { FORMATS } from './protocol';

const ROOT = path.resolve(__dirname, '../../..');

/** A read taking longer than this is a hang (a correct read of these small files takes ms). */
export const HANG_MS = 5000;
/** A read growing ArrayBuffer memory by more than this allocated what a file claimed. */
export const ALLOC_CAP = 64 << 20;

export type Verdict = 'ok' | 'typed' | 'untyped' | 'hang' | 'alloc' | 'wrong';

export interface Row {
  mutants: number;
  crafted: number;
  ok: number;
  typed: number;
  untyped: number;
  hang: number;
  alloc: number;
  wrong: number;
}

export interface Failure {
  format: Format;
  caseNo: number;
  verdict: Verdict;
  label: string;
  detail: string;
  /** Where the mutant's files were kept. */
  dir: string;
}

/** Bundles the child from the sources (no build needed): the packages' `src` via aliases. */
export async function buildWorker(outDir: string): Promise<string> {
  const out = path.join(outDir, 'worker.cjs');
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: out,
    logLevel: 'error',
    alias: Object.fromEntries(
      ['checkpoint', 'summary', 'storage'].map((p) => [
        `@tfslim/${p}`,
        path.join(ROOT, 'packages', p, 'src', 'index.ts'),
      ]),
    ),
    external: ['@tensorflow/*', '@node-rs/*'],
    nodePaths: [path.join(ROOT, 'node_modules')],
  });
  return out;
}

/** One child reading cases in turn; killed and restarted when a read hangs or it dies. */
class Reader {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private waiting: ((o: Outcome | 'hang' | 'died') => void) | undefined;
  private next = 0;

  constructor(private readonly script: string) {}

  private start(): Promise<void> {
    const child = fork(this.script, [], {
      execArgv: ['--max-old-space-size=256'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      cwd: ROOT,
      // The bundle lives in a temp dir: its externals (tfjs-core) come from the repo's.
      env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
    });
    child.stderr?.resume();
    this.child = child;
    return new Promise((resolve, reject) => {
      child.on('message', (m: Outcome) => {
        if (m.kind === 'ready') resolve();
        else this.waiting?.(m);
      });
      child.on('exit', () => {
        if (this.child === child) this.child = undefined;
        this.ready = undefined;
        reject(new Error('fuzz: the reader child exited before it was ready'));
        this.waiting?.('died');
      });
    });
  }

  async read(format: Format, dir: string): Promise<Outcome | 'hang' | 'died'> {
    this.ready ??= this.start();
    await this.ready;
    const child = this.child!;
    const id = this.next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish('hang'), HANG_MS);
      const finish = (o: Outcome | 'hang' | 'died'): void => {
        clearTimeout(timer);
        this.waiting = undefined;
        if (o === 'hang') this.kill();
        resolve(o);
      };
      this.waiting = (o) => (o === 'died' || o === 'hang' || o.id === id ? finish(o) : undefined);
      child.send({ id, format, dir });
    });
  }

  kill(): void {
    const c = this.child;
    this.child = undefined;
    this.ready = undefined;
    c?.kill('SIGKILL');
  }
}

function writeFiles(dir: string, files: Files): void {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [rel, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), bytes);
  }
}

export interface RunOptions {
  /** Mutants per format. */
  count: number;
  seed: number;
  formats?: readonly Format[];
}

export interface RunResult {
  table: Record<Format, Row>;
  failures: Failure[];
  seed: number;
}

function verdictOf(m: Mutant, o: Outcome | 'hang' | 'died'): Verdict {
  if (o === 'hang') return 'hang';
  if (o === 'died') return 'untyped';
  if (o.allocated > ALLOC_CAP) return 'alloc';
  if (o.kind === 'typed') return 'typed';
  if (o.kind === 'untyped') return 'untyped';
  return m.consistent(o.dump!) ? 'ok' : 'wrong';
}

/** Runs `count` mutants of each format; failing cases' files are kept under the temp dir. */
export async function runFuzz(options: RunOptions): Promise<RunResult> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-fuzz-'));
  const reader = new Reader(await buildWorker(base));
  const rnd = mulberry32(options.seed);
  const table = {} as Record<Format, Row>;
  const failures: Failure[] = [];
  try {
    for (const format of options.formats ?? FORMATS) {
      const row: Row = {
        mutants: 0,
        crafted: 0,
        ok: 0,
        typed: 0,
        untyped: 0,
        hang: 0,
        alloc: 0,
        wrong: 0,
      };
      table[format] = row;
      const origDir = path.join(base, `${format}-original`);
      fs.mkdirSync(origDir);
      const original = await writeOriginal(format, origDir);
      const first = await reader.read(format, origDir);
      if (first === 'hang' || first === 'died' || first.kind !== 'ok') {
        throw new Error(`fuzz: the original ${format} files do not read: ${JSON.stringify(first)}`);
      }
      const originalDump = first.dump!;
      recordOriginal(format, original, originalDump);
      const caseDir = path.join(base, `${format}-case`);
      for (let i = 0; i < options.count; i++) {
        const m = mutant(format, original, originalDump, rnd);
        writeFiles(caseDir, m.files);
        const o = await reader.read(format, caseDir);
        const verdict = verdictOf(m, o);
        row.mutants++;
        if (m.crafted) row.crafted++;
        row[verdict]++;
        if (verdict !== 'ok' && verdict !== 'typed') {
          const kept = path.join(base, `${format}-failure-${i}`);
          fs.cpSync(caseDir, kept, { recursive: true });
          const detail =
            typeof o === 'string' ? o : `${o.kind} ${o.message ?? ''} allocated=${o.allocated}`;
          failures.push({ format, caseNo: i, verdict, label: m.label, detail, dir: kept });
        }
      }
      fs.rmSync(caseDir, { recursive: true, force: true });
    }
  } finally {
    reader.kill();
    if (failures.length === 0) fs.rmSync(base, { recursive: true, force: true });
  }
  return { table, failures, seed: options.seed };
}

/** The table as text: one line per format. */
export function formatTable(result: RunResult): string {
  const cols = ['mutants', 'crafted', 'ok', 'typed', 'untyped', 'hang', 'alloc', 'wrong'] as const;
  const head = ['format', ...cols].map((c) => c.padStart(11)).join(' ');
  const lines = Object.entries(result.table).map(([f, r]) =>
    [f, ...cols.map((c) => String(r[c]))].map((c) => c.padStart(11)).join(' '),
  );
  return [`fuzz (seed ${result.seed})`, head, ...lines].join('\n');
}
