// Crash test: plain `node` children save checkpoints in a loop and are SIGKILLed at random
// points; after every kill the latest checkpoint must load, with the values of its step.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CheckpointReader,
  latestCheckpoint,
  readCheckpointState,
  saveCheckpoint,
} from '../src/index.js';
import { tmpDir } from './helpers.js';

const KILLS_PER_DIR = 8;
const DIRS = 3; // run side by side: 24 kills in all
const SIZES = [1, 1000, 65536, 200000, 7, 131072];

interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<unknown>;
}

let bundle: string;
const crcImpls = new Set<string>();
let work: string;

beforeAll(async () => {
  // Bundle the sources (tfjs-core included) into one ESM file the child imports: tests what
  // the current sources do, without a prior build.
  work = tmpDir('crash');
  // The bundle lives under the package's node_modules (git-ignored) so that its external
  // import of @node-rs/crc32 resolves as it does for users.
  const cache = path.join(__dirname, '..', 'node_modules', '.cache', 'tfslim-crash-test');
  fs.mkdirSync(cache, { recursive: true });
  bundle = path.join(cache, `checkpoint-${process.pid}.mjs`);
  // esbuild ships with tsup (a root devDependency).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as EsbuildApi;
  await esbuild.build({
    entryPoints: [path.join(__dirname, '..', 'src', 'index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: bundle,
    logLevel: 'silent',
    external: ['@node-rs/*'],
    // tfjs-core's CommonJS dependencies call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(bundle, { force: true });
});

function stepOf(prefix: string): number {
  return Number(/-(\d+)$/.exec(prefix)![1]);
}

/** Starts a child at `first`, waits for its first completed save, kills it after `delayMs`. */
function runAndKill(dir: string, first: number, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(__dirname, 'crash-child.mjs'), bundle, dir, String(first)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      const crc = /crc (\w+)/.exec(d.toString());
      if (crc) crcImpls.add(crc[1]!);
      if (!killed && d.toString().includes('ready')) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited with ${code ?? signal} before the kill: ${stderr}`));
    });
  });
}

async function checkLatest(dir: string): Promise<number> {
  const latest = await latestCheckpoint(dir);
  expect(latest).not.toBeNull();
  const step = stepOf(latest!);
  const r = await CheckpointReader.open(latest!);
  expect(r.listVariables()).toHaveLength(SIZES.length + 1);
  expect(Array.from((await r.getRaw('global_step')).data as BigInt64Array)).toEqual([BigInt(step)]);
  for (const [k, n] of SIZES.entries()) {
    const d = (await r.getRaw(`layer${k}/weights`)).data as Float32Array;
    expect(d.length).toBe(n);
    expect(d.every((x) => x === step + k / 8)).toBe(true);
  }
  // Every checkpoint the state lists is still loadable as well.
  const state = await readCheckpointState(dir);
  for (const p of state!.allModelCheckpointPaths) {
    await expect(CheckpointReader.open(path.join(dir, p))).resolves.toBeInstanceOf(
      CheckpointReader,
    );
  }
  return step;
}

it(`the latest checkpoint loads after each of ${KILLS_PER_DIR * DIRS} kills at random points`, async () => {
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const dirs = Array.from({ length: DIRS }, (_, i) => path.join(work, `run${i}`));
  const delays = Array.from({ length: DIRS * KILLS_PER_DIR }, () => Math.floor(rnd() * 250));
  const steps: number[][] = dirs.map(() => []);
  await Promise.all(
    dirs.map(async (dir, d) => {
      let next = 1;
      for (let k = 0; k < KILLS_PER_DIR; k++) {
        await runAndKill(dir, next, delays[d * KILLS_PER_DIR + k]!);
        const step = await checkLatest(dir);
        expect(step).toBeGreaterThanOrEqual(next); // the first save of each run completed
        steps[d]!.push(step);
        next = step + 1;
      }
    }),
  );
  // Saves happened between kills (the kills landed at various points, not always first).
  expect(steps.flat().length).toBe(DIRS * KILLS_PER_DIR);
  expect(crcImpls.size).toBe(1);
  // Temporary files left by kills that landed mid-write (harmless; never read).
  const orphans = dirs.flatMap((d) => fs.readdirSync(d)).filter((f) => f.includes('.tmp-')).length;
  console.log(
    `crash test (${os.cpus().length} cpus): steps per run ${JSON.stringify(steps)}; ${orphans} temp files left mid-write; CRC32C ${[...crcImpls].join()}`,
  );
  // The next save in each directory removes what the killed children left: their temporary
  // files and the checkpoints the state no longer lists. What remains is exactly the state
  // file and the files of the (at most maxToKeep) checkpoints it lists.
  for (const [d, dir] of dirs.entries()) {
    const step = steps[d]![KILLS_PER_DIR - 1]! + 1;
    await saveCheckpoint(
      dir,
      { w: { dtype: 'float32', shape: [1], data: new Float32Array([step]) } },
      { globalStep: step, maxToKeep: 3 },
    );
    const listed = (await readCheckpointState(dir))!.allModelCheckpointPaths;
    expect(listed.length).toBeLessThanOrEqual(3);
    expect(fs.readdirSync(dir).sort()).toEqual(
      ['checkpoint', ...listed.flatMap((p) => [`${p}.data-00000-of-00001`, `${p}.index`])].sort(),
    );
  }
}, 120_000);
