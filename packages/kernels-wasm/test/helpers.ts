// Shared by the tests: backends, deterministic data, an independent reference matmul.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels, unregisterWasmKernels, wasmKernelsReady } from '../src/register';

/** Makes `name` the active backend (initialising it once). */
export async function use(name: 'cpu' | 'wasm'): Promise<void> {
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`test setup: could not initialise the ${name} backend`);
  }
}

/** The backend data a tensor points at (tensors sharing memory share it). */
export function dataIdOf(t: tf.Tensor): object {
  return (t as unknown as { dataId: object }).dataId;
}

/**
 * Makes wasm the backend with tfslim's kernels registered and compiled for the file's tests,
 * and unregisters them after.
 */
export function useWasmKernels(): void {
  beforeAll(async () => {
    await use('wasm');
    registerWasmKernels();
    await wasmKernelsReady();
  });
  afterAll(() => {
    unregisterWasmKernels();
  });
}

/** Deterministic values in [-1, 1) (xorshift), so failures reproduce. */
export function rand(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

/** Runs `fn` on `backend` and returns its output's values; disposes everything it made. */
export async function valuesOn(
  backend: 'cpu' | 'wasm',
  fn: () => tf.Tensor,
): Promise<Float32Array> {
  await use(backend);
  const out = tf.tidy(fn);
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

/** Largest |a - b| after checking the lengths agree. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? 0) - (b[i] ?? 0));
    if (!(d <= m)) m = d; // NaN wins
  }
  return m;
}

/**
 * Plain-JS batched matmul with numpy broadcasting of batch dimensions, in float64: the
 * independent reference for the GEMM.
 */
export function refMatMul(
  a: Float32Array,
  aShape: number[],
  b: Float32Array,
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): { values: Float64Array; shape: number[] } {
  const ar = aShape.length;
  const br = bShape.length;
  const [a0, a1] = [aShape[ar - 2]!, aShape[ar - 1]!];
  const [b0, b1] = [bShape[br - 2]!, bShape[br - 1]!];
  const M = transposeA ? a1 : a0;
  const K = transposeA ? a0 : a1;
  const N = transposeB ? b0 : b1;
  const aOuter = aShape.slice(0, -2);
  const bOuter = bShape.slice(0, -2);
  const rank = Math.max(aOuter.length, bOuter.length);
  const pa = [...new Array<number>(rank - aOuter.length).fill(1), ...aOuter];
  const pb = [...new Array<number>(rank - bOuter.length).fill(1), ...bOuter];
  const outOuter = pa.map((d, i) => Math.max(d, pb[i]!));
  const batches = outOuter.reduce((x, y) => x * y, 1);
  const values = new Float64Array(batches * M * N);
  for (let bi = 0; bi < batches; bi++) {
    // Unravel bi over outOuter, then ravel into a's and b's batch indices.
    let rest = bi;
    let ai = 0;
    let bj = 0;
    let aMul = 1;
    let bMul = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const coord = rest % outOuter[d]!;
      rest = Math.floor(rest / outOuter[d]!);
      ai += (pa[d] === 1 ? 0 : coord) * aMul;
      bj += (pb[d] === 1 ? 0 : coord) * bMul;
      aMul *= pa[d]!;
      bMul *= pb[d]!;
    }
    const aBase = ai * a0 * a1;
    const bBase = bj * b0 * b1;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let p = 0; p < K; p++) {
          const av = a[aBase + (transposeA ? p * M + i : i * K + p)]!;
          const bv = b[bBase + (transposeB ? j * K + p : p * N + j)]!;
          s += av * bv;
        }
        values[(bi * M + i) * N + j] = s;
      }
    }
  }
  return { values, shape: [...outOuter, M, N] };
}
