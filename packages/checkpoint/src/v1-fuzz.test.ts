// Mutated V1 checkpoints and V2 bundles with partitioned variables: every outcome is a typed
// CheckpointError or exactly the original content.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tfUnavailableReason } from '@tfslim-internal/testing';
import { CheckpointError, CheckpointReader } from './index.js';
import type { TensorSource } from './index.js';
import { fixture, HAVE_FIXTURES, tmpDir } from '../test/helpers.js';
import { writeWithTf } from '../test/v1-files.js';

const CASES = 600;

/** xorshift32: a deterministic stream in [0, 1). */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** One to three flips, overwrites, cuts, insertions or deletions, half of them near the end. */
function damage(orig: Buffer, rnd: () => number): Buffer {
  let b = Buffer.from(orig);
  const int = (n: number): number => Math.floor(rnd() * n);
  for (let k = 1 + int(3); k > 0; k--) {
    const n = b.length;
    const at = rnd() < 0.5 ? Math.max(0, n - 1 - int(Math.min(n, 96))) : int(n);
    const kind = int(5);
    if (kind === 0 && n > 0) b[at] = b[at]! ^ (1 << int(8));
    else if (kind === 1 && n > 0) b.fill(rnd() < 0.5 ? 0xff : 0, at, Math.min(n, at + 1 + int(10)));
    else if (kind === 2) b = b.subarray(0, int(n + 1));
    else if (kind === 3)
      b = Buffer.concat([b.subarray(0, at), Buffer.alloc(1 + int(8), int(256)), b.subarray(at)]);
    else b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + int(16))]);
  }
  return b;
}

async function content(src: TensorSource): Promise<string[]> {
  const out: string[] = [];
  for (const v of src.listVariables()) {
    if (v.dtype === 'unsupported') continue;
    const raw = await src.getRaw(v.name);
    const bytes =
      raw.dtype === 'string'
        ? Buffer.concat(raw.data.map((s) => Buffer.from(s)))
        : Buffer.from(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
    out.push(`${v.name}|${raw.dtype}|${raw.shape.join(',')}|${bytes.toString('hex')}`);
  }
  return out;
}

interface Target {
  /** The file mutated (copied to `name` in the case directory); other files copied as they are. */
  name: string;
  files: Record<string, Buffer>;
}

function targets(): Target[] {
  const out: Target[] = [];
  if (HAVE_FIXTURES) {
    const v1 = fs.readFileSync(fixture('tf1_v1_format_checkpoint_negative', 'export'));
    out.push({ name: 'x', files: { x: v1 } });
  }
  if (tfUnavailableReason() === null) {
    const w = writeWithTf(tmpDir('v1-fuzz-src'), 64, false);
    out.push({ name: 'x', files: { x: fs.readFileSync(w.files.dtypes) } });
    out.push({ name: 'x', files: { x: fs.readFileSync(w.files.partV1) } });
    const v2 = w.files.partV2;
    out.push({
      name: 'x.index',
      files: {
        'x.index': fs.readFileSync(`${v2}.index`),
        'x.data-00000-of-00001': fs.readFileSync(`${v2}.data-00000-of-00001`),
      },
    });
  }
  return out;
}

const all = targets();
(all.length > 0 ? describe : describe.skip)('V1 and partitioned checkpoints, mutated', () => {
  it(`${CASES} damaged copies: a typed CheckpointError or the original content`, async () => {
    const base = tmpDir('v1-fuzz');
    const originals: string[][] = [];
    for (const [i, t] of all.entries()) {
      const dir = path.join(base, `orig${i}`);
      fs.mkdirSync(dir);
      for (const [f, b] of Object.entries(t.files)) fs.writeFileSync(path.join(dir, f), b);
      originals.push(await content(await CheckpointReader.open(path.join(dir, 'x'))));
    }
    const rnd = prng(Number(process.env.TFSLIM_FUZZ_SEED ?? 1812));
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < CASES; i++) {
      const k = i % all.length;
      const t = all[k]!;
      const dir = path.join(base, `case${k}`);
      fs.mkdirSync(dir, { recursive: true });
      for (const [f, b] of Object.entries(t.files))
        fs.writeFileSync(path.join(dir, f), f === t.name ? damage(b, rnd) : b);
      try {
        const got = await content(await CheckpointReader.open(path.join(dir, 'x')));
        expect({ case: i, got }).toEqual({ case: i, got: originals[k] });
        outcomes.ok = (outcomes.ok ?? 0) + 1;
      } catch (e) {
        if (!(e instanceof CheckpointError)) {
          throw new Error(`case ${i} (target ${k}): expected a CheckpointError, got ${String(e)}`);
        }
        outcomes[e.code] = (outcomes[e.code] ?? 0) + 1;
      }
    }
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(
      (outcomes.BAD_CRC ?? 0) + (outcomes.TRUNCATED ?? 0) + (outcomes.CORRUPT ?? 0),
    ).toBeGreaterThan(CASES / 3);
  }, 120_000);
});
