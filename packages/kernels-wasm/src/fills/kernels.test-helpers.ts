// Test helpers (not part of the public surface): seeded inputs, plain-JS reference
// convolutions written from the definitions, and a way to run one kernel on the cpu backend
// next to the active wasm backend.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { rng } from '@tfslim-internal/testing';
import { fillMissingKernels } from './fill-missing-kernels.js';

/** Makes wasm the active backend (stock tfjs-backend-wasm kernels) with the fillers registered. */
export async function useWasm(): Promise<void> {
  await tf.setBackend('wasm');
  fillMissingKernels('wasm');
}

/** Seeded values in [-1, 1), so every run checks the same numbers. */
export function seeded(length: number, seed: number): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length }, () => next() * 2 - 1);
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((p, c) => p * c, 1);

/** A host-side array with its shape, the input of both the reference and the backends. */
export interface HostArray {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype: 'float32' | 'int32';
}

export function host(shape: number[], seed: number): HostArray {
  return { values: seeded(sizeOf(shape), seed), shape, dtype: 'float32' };
}

/**
 * Runs `kernelName` on the cpu backend's own kernel, straight through its kernelFunc (the
 * active backend stays wasm). Returns the output values and shape.
 */
export function runOnCpu(
  kernelName: string,
  inputs: Record<string, HostArray>,
  attrs: object,
): { values: Float32Array; shape: number[] } {
  const backend = tf.findBackend('cpu');
  const kernel = tf.getKernel(kernelName, 'cpu');
  if (backend == null || kernel == null) throw new Error(`no cpu ${kernelName}`);
  const infos: Record<string, tf.TensorInfo> = {};
  for (const [name, a] of Object.entries(inputs)) {
    infos[name] = {
      dataId: backend.write(a.values, a.shape, a.dtype),
      shape: a.shape,
      dtype: a.dtype,
    };
  }
  const out = kernel.kernelFunc({
    inputs: infos,
    backend,
    attrs: attrs as tf.NamedAttrMap,
  }) as tf.TensorInfo;
  const values = Float32Array.from(backend.readSync(out.dataId) as Float32Array);
  backend.disposeData(out.dataId);
  for (const info of Object.values(infos)) backend.disposeData(info.dataId);
  return { values, shape: out.shape };
}

/**
 * Runs `kernelName` on the active backend through the engine (as tf ops do), checks that it
 * leaves no tensor and no backend buffer behind, and returns the output.
 */
export function runOnActive(
  kernelName: string,
  inputs: Record<string, HostArray>,
  attrs: object,
): { values: Float32Array; shape: number[]; dtype: tf.DataType } {
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, a] of Object.entries(inputs))
    tensors[name] = tf.tensor(a.values, a.shape, a.dtype);
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = tf.backend().numDataIds();
  const out = tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const values = Float32Array.from(out.dataSync());
  const result = { values, shape: out.shape, dtype: out.dtype };
  out.dispose();
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  expect(tf.backend().numDataIds()).toBe(buffersBefore);
  tf.dispose(Object.values(tensors));
  return result;
}

/** Largest |a - b| over the largest |b| (or 1): a scale-free closeness measure. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let err = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return err / scale;
}

/** A convolution case; `pad` as tfjs takes it. */
export interface ConvCase {
  x: number[]; // [N, H, W, C]
  k: [number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
}

/** Cases both filter-gradient suites run (conv and depthwise): padding modes, 1x1 to 5x5. */
export const COMMON_CASES: readonly ConvCase[] = [
  { x: [2, 7, 5, 3], k: [3, 3], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { x: [2, 7, 5, 3], k: [3, 3], strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { x: [2, 7, 5, 3], k: [3, 3], strides: [1, 1], dilations: [1, 1], pad: 'valid' },
  { x: [2, 7, 5, 3], k: [3, 3], strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { x: [1, 7, 5, 1], k: [5, 5], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { x: [3, 7, 5, 8], k: [5, 5], strides: [2, 2], dilations: [1, 1], pad: 'same' },
];

/** More cases of both suites: strides above the window, uneven strides, explicit padding. */
export const STRIDED_CASES: readonly ConvCase[] = [
  { x: [2, 7, 5, 3], k: [1, 1], strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { x: [2, 8, 6, 3], k: [3, 3], strides: [3, 2], dilations: [1, 1], pad: 'same' },
  {
    x: [2, 9, 8, 3],
    k: [3, 3],
    strides: [2, 2],
    dilations: [1, 1],
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
];

/** Output size and leading padding, from TensorFlow's documented formulas. */
export function geometry(c: ConvCase): { outH: number; outW: number; top: number; left: number } {
  const dims = ([1, 2] as const).map((axis) => {
    const i = axis - 1;
    const size = c.x[axis] as number;
    const s = c.strides[i] as number;
    const effective = ((c.k[i] as number) - 1) * (c.dilations[i] as number) + 1;
    if (c.pad === 'same') {
      const out = Math.ceil(size / s);
      const total = Math.max(0, (out - 1) * s + effective - size);
      return { out, before: Math.floor(total / 2) };
    }
    if (c.pad === 'valid') return { out: Math.ceil((size - effective + 1) / s), before: 0 };
    const [before, after] = c.pad[axis] as [number, number];
    return { out: Math.floor((size + before + after - effective) / s) + 1, before };
  }) as [{ out: number; before: number }, { out: number; before: number }];
  return { outH: dims[0].out, outW: dims[1].out, top: dims[0].before, left: dims[1].before };
}

/** x[n, h, w, c] or 0 outside. */
function at(x: HostArray, n: number, h: number, w: number, c: number): number {
  const [, H, W, C] = x.shape as [number, number, number, number];
  if (h < 0 || h >= H || w < 0 || w >= W) return 0;
  return x.values[((n * H + h) * W + w) * C + c] as number;
}

/**
 * One filter-gradient entry from the definition: the sum over (n, ho, wo) of x at channel `ci`
 * under tap `k` times dy at channel `co`.
 */
function filterTap(
  c: ConvCase,
  x: HostArray,
  dy: HostArray,
  [kh, kw]: [number, number],
  ci: number,
  co: number,
): number {
  const [N, Ho, Wo, Co] = dy.shape as [number, number, number, number];
  const { top, left } = geometry(c);
  let sum = 0;
  for (let n = 0; n < N; n++)
    for (let ho = 0; ho < Ho; ho++)
      for (let wo = 0; wo < Wo; wo++) {
        const h = ho * c.strides[0] + kh * c.dilations[0] - top;
        const w = wo * c.strides[1] + kw * c.dilations[1] - left;
        sum += at(x, n, h, w, ci) * (dy.values[((n * Ho + ho) * Wo + wo) * Co + co] as number);
      }
  return sum;
}

/** dW[kh, kw, ci, co] of a regular conv, from the definition (NHWC). */
export function conv2dFilterGradRef(c: ConvCase, x: HostArray, dy: HostArray): Float32Array {
  const Ci = c.x[3] as number;
  const Co = dy.shape[3] as number;
  const [KH, KW] = c.k;
  const out = new Float32Array(KH * KW * Ci * Co);
  for (let kh = 0; kh < KH; kh++)
    for (let kw = 0; kw < KW; kw++)
      for (let ci = 0; ci < Ci; ci++)
        for (let co = 0; co < Co; co++) {
          out[((kh * KW + kw) * Ci + ci) * Co + co] = filterTap(c, x, dy, [kh, kw], ci, co);
        }
  return out;
}

/** dW[kh, kw, c, m] of a depthwise conv with channel multiplier M, from the definition. */
export function depthwiseFilterGradRef(
  c: ConvCase,
  x: HostArray,
  dy: HostArray,
  M: number,
): Float32Array {
  const C = c.x[3] as number;
  const [KH, KW] = c.k;
  const out = new Float32Array(KH * KW * C * M);
  for (let kh = 0; kh < KH; kh++)
    for (let kw = 0; kw < KW; kw++)
      for (let ch = 0; ch < C; ch++)
        for (let m = 0; m < M; m++) {
          out[((kh * KW + kw) * C + ch) * M + m] = filterTap(c, x, dy, [kh, kw], ch, ch * M + m);
        }
  return out;
}

/** dx[n, h, w, c] of a depthwise conv: scatter every dy pixel back through the filter. */
export function depthwiseInputGradRef(
  c: ConvCase,
  dy: HostArray,
  filter: HostArray,
  M: number,
): Float32Array {
  const [N, H, W, C] = c.x as [number, number, number, number];
  const [, Ho, Wo] = dy.shape as [number, number, number, number];
  const { top, left } = geometry(c);
  const [KH, KW] = c.k;
  const dx = new Float32Array(N * H * W * C);
  for (let n = 0; n < N; n++)
    for (let ho = 0; ho < Ho; ho++)
      for (let wo = 0; wo < Wo; wo++)
        for (let kh = 0; kh < KH; kh++)
          for (let kw = 0; kw < KW; kw++) {
            const h = ho * c.strides[0] + kh * c.dilations[0] - top;
            const w = wo * c.strides[1] + kw * c.dilations[1] - left;
            if (h < 0 || h >= H || w < 0 || w >= W) continue;
            for (let ch = 0; ch < C; ch++)
              for (let m = 0; m < M; m++) {
                const g = dy.values[((n * Ho + ho) * Wo + wo) * C * M + ch * M + m] as number;
                const f = filter.values[((kh * KW + kw) * C + ch) * M + m] as number;
                dx[((n * H + h) * W + w) * C + ch] =
                  (dx[((n * H + h) * W + w) * C + ch] as number) + g * f;
              }
          }
  return dx;
}

/** `[h, w]` pairs as a short label. */
export function label(c: ConvCase, extra = ''): string {
  const pad = typeof c.pad === 'string' ? c.pad : `explicit ${JSON.stringify(c.pad.slice(1, 3))}`;
  return `x [${c.x.join(',')}] k ${c.k.join('x')} s ${c.strides.join(',')} d ${c.dilations.join(',')} ${pad}${extra}`;
}
