// Plain-JS reference computations, written from the formulas in slim-reference.md and TF-Slim's
// loss_ops.py, sharing no code with src/. Shapes are row-major; tensors are flat arrays.
import { testBackends } from '@tfslim-internal/testing';

export type Shape = number[];

export function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Multi-index of flat position `i` in `shape`. */
function unravel(i: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx[d] = i % n;
    i = Math.floor(i / n);
  }
  return idx;
}

/**
 * Weight of loss element `i`: slim's rule (trailing 1 of a rank>1 weight squeezed, then weights
 * aligned with the LEADING axes of the losses, size-1 dims broadcast).
 */
export function weightAt(i: number, lossShape: Shape, w: number[], wShape: Shape): number {
  let ws = [...wShape];
  if (ws.length > 1 && ws[ws.length - 1] === 1) ws = ws.slice(0, -1);
  if (ws.length === 0) return w[0]!;
  const idx = unravel(i, lossShape);
  let flat = 0;
  for (let d = 0; d < ws.length; d++) {
    const n = ws[d]!;
    flat = flat * n + (n === 1 ? 0 : idx[d]!);
  }
  return w[flat]!;
}

export type RefReduction = 'none' | 'sum' | 'mean' | 'sum_over_batch_size' | 'nonzero';

/** TF-Slim / TF1 `compute_weighted_loss`, element by element. */
export function refReduce(
  losses: number[],
  lossShape: Shape,
  weights: { values: number[]; shape: Shape } | undefined,
  reduction: RefReduction,
): number | number[] {
  const n = losses.length;
  const w = (i: number) => (weights ? weightAt(i, lossShape, weights.values, weights.shape) : 1);
  const weighted = losses.map((l, i) => l * w(i));
  if (reduction === 'none') return weighted;
  let num = 0;
  let sumW = 0;
  let nonzero = 0;
  for (let i = 0; i < n; i++) {
    num += weighted[i]!;
    sumW += w(i);
    if (w(i) !== 0) nonzero++;
  }
  const safe = (a: number, b: number) => (b === 0 ? 0 : a / b);
  switch (reduction) {
    case 'sum':
      return num;
    case 'mean':
      return safe(num, sumW);
    case 'sum_over_batch_size':
      return safe(num, n);
    case 'nonzero':
      return safe(num, nonzero);
  }
}

export const refAbs = (p: number[], y: number[]) => p.map((v, i) => Math.abs(v - y[i]!));
export const refSquared = (p: number[], y: number[]) => p.map((v, i) => (v - y[i]!) ** 2);
export const refLog = (p: number[], y: number[], eps = 1e-7) =>
  p.map((v, i) => -y[i]! * Math.log(v + eps) - (1 - y[i]!) * Math.log(1 - v + eps));
export const refHuber = (p: number[], y: number[], delta = 1) =>
  p.map((v, i) => {
    const e = Math.abs(v - y[i]!);
    return e <= delta ? 0.5 * e * e : 0.5 * delta * delta + delta * (e - delta);
  });
/** -z log(sigmoid x) - (1-z) log(1 - sigmoid x), computed naively in float64 (inputs kept small). */
export const refSigmoidXent = (x: number[], z: number[]) =>
  x.map((v, i) => {
    const s = 1 / (1 + Math.exp(-v));
    return -z[i]! * Math.log(s) - (1 - z[i]!) * Math.log(1 - s);
  });
/** Per-row -sum_c y_c log softmax(x)_c for [B, C] row-major inputs, naive float64. */
export function refSoftmaxXent(x: number[], y: number[], classes: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.length / classes; r++) {
    const row = x.slice(r * classes, (r + 1) * classes);
    const z = row.reduce((a, v) => a + Math.exp(v), 0);
    let loss = 0;
    for (let c = 0; c < classes; c++) loss -= y[r * classes + c]! * Math.log(Math.exp(row[c]!) / z);
    out.push(loss);
  }
  return out;
}
export const refHinge = (x: number[], y: number[]) =>
  x.map((v, i) => Math.max(0, 1 - (2 * y[i]! - 1) * v));

/** Deterministic pseudo-random numbers in [lo, hi), for test inputs. */
export function randoms(n: number, seed: number, lo = -1, hi = 1): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(lo + ((s >>> 8) / 2 ** 24) * (hi - lo));
  }
  return out;
}

export function oneHotRows(ids: number[], classes: number): number[] {
  const out = new Array<number>(ids.length * classes).fill(0);
  ids.forEach((id, r) => {
    out[r * classes + id] = 1;
  });
  return out;
}

/** Relative-or-absolute closeness for float32 results. */
export function expectClose(actual: number, expected: number, rel = 1e-5): void {
  const tol = Math.max(1e-6, rel * Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`expected ${expected}, got ${actual} (tolerance ${tol})`);
  }
}

export function expectAllClose(actual: ArrayLike<number>, expected: number[], rel = 1e-5): void {
  if (actual.length !== expected.length) {
    throw new Error(`expected ${expected.length} values, got ${actual.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    try {
      expectClose(actual[i]!, expected[i]!, rel);
    } catch (e) {
      throw new Error(`at index ${i}: ${(e as Error).message}`);
    }
  }
}

/** cpu, wasm and (when tfjs-node loads) tensorflow; TFSLIM_TEST_BACKENDS narrows it. */
export const BACKENDS = testBackends();
