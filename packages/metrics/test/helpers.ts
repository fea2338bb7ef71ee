// Shared test helpers: backends, a seeded RNG, a host-sync spy, numeric comparison.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { rng, testBackends } from '@tfslim-internal/testing';

export { rng };

/** Every backend the numeric suites run on. */
/** cpu, wasm and (when tfjs-node loads) tensorflow; TFSLIM_TEST_BACKENDS narrows it. */
export const BACKENDS = testBackends();
export type BackendName = (typeof BACKENDS)[number];

/** Activates a backend through the selector, as users do. */
export async function useBackend(b: BackendName): Promise<void> {
  await selectBackend({ require: b, env: {} });
  if (tf.getBackend() !== b) throw new Error(`expected backend ${b}, got ${tf.getBackend()}`);
}

export type Rng = () => number;

/** float32-representable uniform value in [lo, hi). */
export function uniform(r: Rng, lo = 0, hi = 1): number {
  return Math.fround(lo + (hi - lo) * r());
}

export function randInt(r: Rng, n: number): number {
  return Math.floor(r() * n);
}

export function times<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

/** Runs `fn` while any Tensor read-back method throws: proves `fn` does no host sync. */
export function withoutHostSync<T>(fn: () => T): T {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const names = ['dataSync', 'arraySync', 'data', 'array', 'bufferSync', 'buffer'];
  const saved = names.map((n) => proto[n]);
  const calls: string[] = [];
  names.forEach((n) => {
    proto[n] = function () {
      calls.push(n);
      throw new Error(`host sync: Tensor.${n}() called`);
    };
  });
  let out: T;
  try {
    out = fn();
  } finally {
    names.forEach((n, i) => (proto[n] = saved[i]));
  }
  if (calls.length > 0) throw new Error(`host sync during update: ${calls.join(', ')}`);
  return out;
}

/** |a - e| <= tol * max(1, |e|), NaN only equal to NaN. */
export function expectClose(actual: number, expected: number, tol = 1e-5): void {
  if (Number.isNaN(expected)) {
    expect(actual).toBeNaN();
    return;
  }
  const err = Math.abs(actual - expected);
  if (!(err <= tol * Math.max(1, Math.abs(expected)))) {
    throw new Error(`expected ${actual} to be close to ${expected} (tolerance ${tol})`);
  }
}

export function expectAllClose(actual: unknown, expected: unknown, tol = 1e-5): void {
  const flat = (x: unknown): number[] =>
    (Array.isArray(x) ? x.flat(Infinity as 1) : [x]) as number[];
  const a = flat(actual);
  const e = flat(expected);
  expect(a.length).toBe(e.length);
  a.forEach((x, i) => expectClose(x, e[i] as number, tol));
}

/** Converts nested JS arrays to tensors for update(), leaving undefined alone. */
export function tensors(args: readonly unknown[]): (tf.Tensor | undefined)[] {
  return args.map((a) =>
    a === undefined ? undefined : a instanceof tf.Tensor ? a : tf.tensor(a as number[]),
  );
}

/** The one style of every error: `<function>: expected <what>, got <what>. <fix>.` */
export const ERROR_STYLE = /^[A-Za-z0-9.]+: expected .+, got .+\. .+\.$/s;

/** The error `fn` throws, checked for the style; fails when it throws none. */
export function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect((e as Error).message).toMatch(ERROR_STYLE);
    return e as Error;
  }
  throw new Error('expected an error');
}

/** The error `p` rejects with, checked for the style; fails when it resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect((e as Error).message).toMatch(ERROR_STYLE);
    return e as Error;
  }
  throw new Error('expected a rejection');
}
