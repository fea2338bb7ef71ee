// Test helpers: independent reference implementations (bitwise, from the definitions) and
// fixture location.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { fixturesDir, refCrc32c, refMask, unavailable } from '@tfslim-internal/testing';

export { refCrc32c, refMask };

export const packageRoot = join(__dirname, '..');
export const repoRoot = join(packageRoot, '..', '..');
export const fixturesRoot = fixturesDir();
/** False when the shared fixtures are absent (printed; under TFSLIM_REQUIRE: fails). */
export const haveFixtures = unavailable('fixtures', 'summary fixture checks') === null;

export function u32le(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
}

export function f64le(v: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return [...b];
}

export function f32le(v: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return [...b];
}

export function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

/** Frames a payload by hand: u64 length, masked CRC of it, payload, masked CRC of payload. */
export function refFrame(payload: number[]): number[] {
  const len = [...u32le(payload.length), 0, 0, 0, 0];
  return [
    ...len,
    ...u32le(refMask(refCrc32c(new Uint8Array(len)))),
    ...payload,
    ...u32le(refMask(refCrc32c(new Uint8Array(payload)))),
  ];
}

const created: string[] = [];
// Each test file gets its own module registry, so this removes that file's directories.
afterAll(() => {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file's tests. */
export function tempDir(prefix = 'tfslim-summary-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  created.push(d);
  return d;
}

export function onlyEventFile(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.includes('tfevents'));
  if (files.length !== 1) throw new Error(`expected one event file in ${dir}, got ${files.length}`);
  return join(dir, files[0]!);
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function check(actual: unknown) {
  return {
    toEqual(expected: unknown) {
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        throw new Error(
          `readPng: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
        );
      }
    },
    toBe(expected: unknown) {
      if (actual !== expected)
        throw new Error(`readPng: expected ${String(expected)}, got ${String(actual)}`);
    },
  };
}

export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

/** Minimal independent PNG reader: chunk walk + node:zlib inflate + filter-0 scanlines. */
export function readPng(png: Uint8Array) {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  check([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let pos = 8;
  const chunks: { type: string; data: Uint8Array }[] = [];
  while (pos < png.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    const data = png.subarray(pos + 8, pos + 8 + len);
    check(view.getUint32(pos + 8 + len)).toBe(zlib.crc32(png.subarray(pos + 4, pos + 8 + len)));
    chunks.push({ type, data });
    pos += 12 + len;
  }
  check(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  const ihdr = new DataView(chunks[0]!.data.buffer, chunks[0]!.data.byteOffset);
  const width = ihdr.getUint32(0);
  const height = ihdr.getUint32(4);
  const colorType = ihdr.getUint8(9);
  const channels = { 0: 1, 2: 3, 6: 4 }[colorType as 0 | 2 | 6];
  const raw = new Uint8Array(zlib.inflateSync(chunks[1]!.data));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    check(raw[y * (stride + 1)]).toBe(0);
    pixels.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, channels, bitDepth: ihdr.getUint8(8), pixels };
}
