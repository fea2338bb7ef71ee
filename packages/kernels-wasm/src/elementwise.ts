// ReluGrad and ApplyGradientDescent on wasm: the SIMD kernels, or plain JS while they compile.
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelContext } from './module.js';
import { offsetOf, type WasmBackend } from './wasm-backend.js';
import { KernelInputError } from './errors.js';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The part of BackendWasm that tells whether a tensor's data is shared. */
interface RefCounts {
  refCount(dataId: tf.DataId): number;
  incRef(dataId: tf.DataId): void;
}

function hasRefCounts(backend: unknown): backend is RefCounts {
  const b = backend as Partial<RefCounts> | null;
  return typeof b?.refCount === 'function' && typeof b.incRef === 'function';
}

/** Checks two inputs are float32 tensors of one shape; returns their element count. */
function sameShapeFloat32(
  kernel: string,
  names: [string, string],
  a: tf.TensorInfo,
  b: tf.TensorInfo,
): number {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new KernelInputError(
      `${kernel}: expected float32 ${names[0]} and ${names[1]}, got ${a.dtype} and ${b.dtype}. Cast them to float32 first.`,
    );
  }
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new KernelInputError(
      `${kernel}: expected ${names[0]} and ${names[1]} of one shape, got [${a.shape.join(',')}] and [${b.shape.join(',')}]. Pass tensors of the same shape.`,
    );
  }
  return a.shape.reduce((n, d) => n * d, 1);
}

/** float32 view of `n` values at byte `offset` (views are made after any allocation: memory may grow). */
function f32(backend: WasmBackend, offset: number, n: number): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer, offset, n);
}

/** The ReluGrad kernel's inputs, checked. */
function reluGradOperands(args: KernelArgs): { dy: tf.TensorInfo; y: tf.TensorInfo; n: number } {
  const { dy, y } = args.inputs as unknown as { dy: tf.TensorInfo; y: tf.TensorInfo };
  return { dy, y, n: sameShapeFloat32('ReluGrad', ['dy', 'y'], dy, y) };
}

/** ReluGrad `{dy, y} -> dy * (y > 0 ? 1 : 0)` with the SIMD kernel. */
export function reluGrad(ctx: KernelContext, args: KernelArgs): tf.TensorInfo {
  const { dy, y, n } = reluGradOperands(args);
  const { backend } = ctx;
  const out = backend.makeOutput([...dy.shape], 'float32');
  if (n > 0) {
    ctx.k.reluGrad(offsetOf(backend, dy), offsetOf(backend, y), offsetOf(backend, out), n);
  }
  return out;
}

/** ReluGrad in plain JS (the SIMD module is still compiling): the same products. */
export function reluGradPortable(backend: WasmBackend, args: KernelArgs): tf.TensorInfo {
  const { dy, y, n } = reluGradOperands(args);
  const out = backend.makeOutput([...dy.shape], 'float32');
  const g = f32(backend, offsetOf(backend, dy), n);
  const mask = f32(backend, offsetOf(backend, y), n);
  const o = f32(backend, offsetOf(backend, out), n);
  for (let i = 0; i < n; i++) o[i] = g[i]! * ((mask[i] as number) > 0 ? 1 : 0);
  return out;
}

interface DescentOperands {
  variable: tf.TensorInfo;
  delta: tf.TensorInfo;
  n: number;
  /** -alpha rounded to float32, as tfjs SGD's scalar(-alpha). */
  negAlpha: number;
}

function descentOperands(args: KernelArgs): DescentOperands {
  const { variable, delta } = args.inputs as unknown as {
    variable: tf.TensorInfo;
    delta: tf.TensorInfo;
  };
  const alpha = (args.attrs as { alpha?: unknown } | undefined)?.alpha;
  if (typeof alpha !== 'number') {
    throw new KernelInputError(
      `ApplyGradientDescent: expected attrs.alpha a number, got ${typeof alpha}. Pass the learning rate as { alpha }.`,
    );
  }
  const n = sameShapeFloat32('ApplyGradientDescent', ['variable', 'delta'], variable, delta);
  return { variable, delta, n, negAlpha: Math.fround(-alpha) };
}

/**
 * Where the update is written: the variable's own memory when no other tensor shares it (the
 * caller assigns the result back to the variable), else a fresh output so sharers (a tf.clone,
 * a gradient's saved input) keep the old values.
 */
function descentOutput(backend: WasmBackend, variable: tf.TensorInfo): tf.TensorInfo {
  if (hasRefCounts(backend) && backend.refCount(variable.dataId) === 1) {
    backend.incRef(variable.dataId);
    return { dataId: variable.dataId, shape: [...variable.shape], dtype: 'float32' };
  }
  return backend.makeOutput([...variable.shape], 'float32');
}

/** ApplyGradientDescent `{variable, delta}, {alpha} -> variable - alpha * delta` with the SIMD kernel. */
export function applyGradientDescent(ctx: KernelContext, args: KernelArgs): tf.TensorInfo {
  const { variable, delta, n, negAlpha } = descentOperands(args);
  const { backend } = ctx;
  const out = descentOutput(backend, variable);
  if (n > 0) {
    const v = offsetOf(backend, variable);
    ctx.k.applyGradientDescent(v, offsetOf(backend, delta), offsetOf(backend, out), n, negAlpha);
  }
  return out;
}

/** ApplyGradientDescent in plain JS (the SIMD module is still compiling): the same roundings. */
export function applyGradientDescentPortable(
  backend: WasmBackend,
  args: KernelArgs,
): tf.TensorInfo {
  const { variable, delta, n, negAlpha } = descentOperands(args);
  const out = descentOutput(backend, variable);
  const v = f32(backend, offsetOf(backend, variable), n);
  const d = f32(backend, offsetOf(backend, delta), n);
  const o = f32(backend, offsetOf(backend, out), n);
  // Each product and sum of two float32 values is rounded to float32 by the typed array store;
  // the float64 intermediate makes that one correct rounding per operation.
  for (let i = 0; i < n; i++) o[i] = Math.fround(negAlpha * d[i]!) + v[i]!;
  return out;
}
