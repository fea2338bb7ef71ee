// 1,000 randomly mutated copies of files real TensorFlow and safetensors wrote (the shared
// fixtures), read in this process: every outcome is either the original content or a typed
// CheckpointError; nothing else is thrown, nothing hangs, and a bundle never yields values
// other than the original ones (its CRCs catch every change that matters). The harness
// (fuzz.test.ts) does the same, and the crafted mutants, for files our writers made.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { CheckpointError, CheckpointReader, SafetensorsReader } from '@tfslim/checkpoint';
import type { TensorSource } from '@tfslim/checkpoint';
import { mulberry32, mutateRandom as mutate } from './mutate';

const FIXTURES = path.resolve(__dirname, '../../../..', 'shared', 'fixtures');
const describeFixtures = fs.existsSync(FIXTURES) ? describe : describe.skip;
const fixture = (...parts: string[]): string => path.join(FIXTURES, ...parts);
const tmpDir = (prefix: string): string =>
  fs.mkdtempSync(path.join(os.tmpdir(), `tfslim-${prefix}-`));

const CASES = 1000;
const PER_CASE_MS = 5000;

interface Target {
  kind: 'bundle' | 'safetensors' | 'v1';
  /** Files of the original, by their name in the case directory. */
  files: Record<string, Buffer>;
  open: (dir: string) => Promise<TensorSource>;
}

function bundle(dir: string, prefix: string): Target {
  return {
    kind: 'bundle',
    files: {
      'x.index': fs.readFileSync(fixture(dir, `${prefix}.index`)),
      'x.data-00000-of-00001': fs.readFileSync(fixture(dir, `${prefix}.data-00000-of-00001`)),
    },
    open: (d) => CheckpointReader.open(path.join(d, 'x')),
  };
}

async function readAll(src: TensorSource): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const v of src.listVariables()) {
    const raw = await src.getRaw(v.name);
    const bytes =
      raw.dtype === 'string'
        ? Buffer.concat(raw.data.map((s) => Buffer.from(s)))
        : Buffer.from(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
    out.set(v.name, `${raw.dtype}|${raw.shape.join(',')}|${bytes.toString('hex')}`);
  }
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

describeFixtures('fuzz', () => {
  it(`${CASES} mutated fixture files: only typed errors or the original content`, async () => {
    const targets: Target[] = [
      bundle('tf1_half_plus_two', 'variables'), // Snappy data block
      bundle('tf2_half_plus_two', 'variables'), // Snappy + string tensor
      bundle('tf1_saver_houseprices', 'model.ckpt'),
      bundle('tf2_gpflow_float64', 'variables'),
      bundle('tf1_counter_uncompressed', 'variables'),
      bundle('tf2_keras_modelcheckpoint_oct', 'ckpt'),
      {
        kind: 'safetensors',
        files: {
          'x.safetensors': fs.readFileSync(
            fixture('safetensors_samples_2022', 'overall.safetensors'),
          ),
        },
        open: (d) => SafetensorsReader.open(path.join(d, 'x.safetensors')),
      },
      {
        kind: 'safetensors',
        files: {
          'x.safetensors': fs.readFileSync(
            fixture('safetensors_rust_testvectors', 'attn0_forced_alignment.safetensors'),
          ),
        },
        open: (d) => SafetensorsReader.open(path.join(d, 'x.safetensors')),
      },
      {
        kind: 'v1',
        files: { x: fs.readFileSync(fixture('tf1_v1_format_checkpoint_negative', 'export')) },
        open: (d) => CheckpointReader.open(path.join(d, 'x')),
      },
    ];
    const originals = new Map<Target, Map<string, string>>();
    const base = tmpDir('fuzz');
    for (const t of targets) {
      if (t.kind !== 'bundle') continue;
      for (const [f, b] of Object.entries(t.files)) fs.writeFileSync(path.join(base, f), b);
      originals.set(t, await readAll(await t.open(base)));
    }
    const seed = Number(process.env.TFSLIM_FUZZ_SEED ?? 20240601);
    const rnd = mulberry32(seed);
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < CASES; i++) {
      const t = targets[i % targets.length]!;
      // One directory per target: every case rewrites all of its files.
      const dir = path.join(base, `t${i % targets.length}`);
      fs.mkdirSync(dir, { recursive: true });
      const names = Object.keys(t.files);
      const victim = names[Math.floor(rnd() * names.length)]!;
      for (const [f, b] of Object.entries(t.files))
        fs.writeFileSync(path.join(dir, f), f === victim ? mutate(b, rnd) : b);
      const what = `case ${i} (seed ${seed}, ${t.kind}, mutated ${victim})`;
      try {
        const content = await withTimeout(
          (async () => readAll(await t.open(dir)))(),
          PER_CASE_MS,
          what,
        );
        const orig = originals.get(t);
        if (orig !== undefined) {
          // A bundle that reads cleanly must read exactly as the original did.
          expect({ what, content: [...content] }).toEqual({ what, content: [...orig] });
        }
        outcomes.ok = (outcomes.ok ?? 0) + 1;
      } catch (e) {
        if (!(e instanceof CheckpointError)) {
          throw new Error(
            `${what}: expected a CheckpointError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
          );
        }
        outcomes[e.code] = (outcomes[e.code] ?? 0) + 1;
      }
    }
    fs.rmSync(base, { recursive: true, force: true });
    // Both outcomes occur; the error kinds are the damage ones.
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(
      (outcomes.BAD_CRC ?? 0) + (outcomes.TRUNCATED ?? 0) + (outcomes.CORRUPT ?? 0),
    ).toBeGreaterThan(CASES / 3);
  });
});
