// Test helpers: fixture location, a reference CRC32C, temporary directories.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixturesDir, unavailable } from '@tfslim-internal/testing';

/** `<repoRoot>/../shared/fixtures` */
export const FIXTURES = fixturesDir();
export const HAVE_FIXTURES = unavailable('fixtures', 'checkpoint fixture tests') === null;
/** describe, or describe.skip when the shared fixtures folder is absent (TFSLIM_REQUIRE: fails). */
export const describeFixtures = HAVE_FIXTURES ? describe : describe.skip;

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

export { refCrc32c, refMask } from '@tfslim-internal/testing';

const created: string[] = [];
// Each test file gets its own module registry, so this removes that file's directories.
afterAll(() => {
  for (const d of created.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file's tests. */
export function tmpDir(tag = 'ckpt'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `tfslim-${tag}-`));
  created.push(d);
  return d;
}

export interface SourceTensor {
  key: string;
  dtype: string;
  shape: number[];
  offset: number;
  size: number;
  crcOk: boolean;
  /** Leading values as printed (6 decimals), or string lengths for string tensors. */
  values: number[];
  truncated: boolean;
  stringLens?: number[];
}

/**
 * Parses the tensor table of a fixture's SOURCE.txt (written by an independent Python
 * parser): one list per `--- <prefix>` section, or under '' when there are no sections.
 */
export function parseSourceTxt(dir: string): Map<string, SourceTensor[]> {
  const text = fs.readFileSync(path.join(dir, 'SOURCE.txt'), 'utf8');
  const out = new Map<string, SourceTensor[]>();
  let section = '';
  const re = /^ {4}(\S.*?) \| (\w+) \| \[(.*?)\] \| (\d+) \| (\d+) \| (True|False) \| (.*)$/;
  for (const line of text.split('\n')) {
    const sec = /^ {2}--- (\S+)$/.exec(line);
    if (sec) {
      section = sec[1]!;
      continue;
    }
    const m = re.exec(line);
    if (!m) continue;
    const [, key, dtype, shape, offset, size, ok, rest] = m;
    const t: SourceTensor = {
      key: key!,
      dtype: dtype!,
      shape: shape!.trim() === '' ? [] : shape!.split(',').map((s) => Number(s.trim())),
      offset: Number(offset),
      size: Number(size),
      crcOk: ok === 'True',
      values: [],
      truncated: rest!.endsWith('...'),
    };
    const lens = /^string lens \[(.*)\]$/.exec(rest!);
    if (lens) t.stringLens = lens[1]!.split(',').map((s) => Number(s.trim()));
    else t.values = JSON.parse(rest!.replace(/\.\.\.$/, '')) as number[];
    if (!out.has(section)) out.set(section, []);
    out.get(section)!.push(t);
  }
  return out;
}
