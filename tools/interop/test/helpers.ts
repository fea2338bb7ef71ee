// Shared by the interop suites: running this folder's Python scripts in the TensorFlow venv,
// skipping with a printed reason when there is none, temp dirs, and raw bytes of tensors.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawTensor } from '@tfslim/checkpoint';
import { runPython, unavailable } from '@tfslim-internal/testing';

/** Why these suites cannot run here (no venv), or null. Printed; under TFSLIM_REQUIRE, throws. */
export function skipReason(suite: string): string | null {
  return unavailable('tf', `interop ${suite}`);
}

/** Runs `test/<script>` (one Python process, JSON in and out). */
export function runScript<T>(script: string, input: unknown): T {
  return runPython<T>(readFileSync(join(__dirname, script), 'utf8'), input, {
    timeoutSeconds: 500,
  });
}

/**
 * A temp dir made on first use of `path` (a skipped suite, whose afterAll never runs, makes
 * none); `remove()` deletes it.
 */
export function tempDir(tag: string): { readonly path: string; remove(): void } {
  let made: string | undefined;
  return {
    get path(): string {
      made ??= mkdtempSync(join(tmpdir(), `tfslim-interop-${tag}-`));
      return made;
    },
    remove(): void {
      if (made !== undefined) rmSync(made, { recursive: true, force: true });
    },
  };
}

/** The little-endian bytes of a raw numeric tensor (exactly what TF stores). */
export function rawBytes(raw: RawTensor): Buffer {
  if (raw.dtype === 'string')
    throw new TypeError('rawBytes: expected a numeric tensor, got string');
  const d = raw.data;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

/** Base64 of each element of a raw string tensor. */
export function rawStrings(raw: RawTensor): string[] {
  if (raw.dtype !== 'string') throw new TypeError(`rawStrings: expected string, got ${raw.dtype}`);
  return raw.data.map((s) => Buffer.from(s).toString('base64'));
}

/** One tensor as TensorFlow read it: bytes in `file`, or base64 `strings`. */
export interface TfTensorDump {
  name: string;
  dtype: string;
  shape: number[];
  file?: string;
  strings?: string[];
  /** tf.cast of it to float32 or int32 (float16, bfloat16, float64, small ints). */
  cast?: { dtype: string; file: string };
}

export interface TfCheckpointDump {
  prefix: string;
  tensors: TfTensorDump[];
}

/** A number from the Python scripts: non-finite ones come as their repr ('nan', '-inf'). */
export type Num = number | string;

export function fromPy(x: Num): number {
  if (typeof x === 'number') return x;
  return { nan: NaN, inf: Infinity, '-inf': -Infinity }[x] ?? Number(x);
}
