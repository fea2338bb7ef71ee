// What the filled kernels use of tfjs-backend-wasm's backend: its memory, its kernels, temporaries.
import * as tf from '@tensorflow/tfjs-core';
import { KernelBackendError } from '../errors.js';

/** The parts of tfjs-backend-wasm 4.x's BackendWasm the filled kernels use. */
export interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  getMemoryOffset(dataId: tf.DataId): number;
}

/** True when `backend` looks like tfjs-backend-wasm's BackendWasm. */
export function isWasmBackend(backend: unknown): backend is WasmBackendLike {
  const b = backend as Partial<WasmBackendLike> | null;
  return (
    b != null &&
    typeof b.makeOutput === 'function' &&
    typeof b.disposeData === 'function' &&
    typeof b.getMemoryOffset === 'function' &&
    b.wasm?.HEAPU8 instanceof Uint8Array
  );
}

export function asWasmBackend(backend: unknown, kernelName: string): WasmBackendLike {
  if (!isWasmBackend(backend)) {
    throw new KernelBackendError(
      `${kernelName}: expected tfjs-backend-wasm's backend, got ${String(
        (backend as { constructor?: { name?: string } } | null)?.constructor?.name,
      )}. These kernels are registered for 'wasm' only.`,
    );
  }
  return backend;
}

/**
 * Runs another kernel registered for the wasm backend on TensorInfos, the way tfjs's own
 * composite kernels do (no engine bookkeeping, no tape). Looked up on every call so a faster
 * kernel registered later (e.g. by @tfslim/kernels-wasm) is used.
 */
export function runWasmKernel(
  backend: WasmBackendLike,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap | tf.TensorInfo[],
  attrs: object = {},
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel == null) {
    throw new KernelBackendError(
      `fillMissingKernels: expected the wasm backend to have kernel '${kernelName}', got none. Use @tensorflow/tfjs-backend-wasm ^4.22.`,
    );
  }
  const out = kernel.kernelFunc({
    inputs: inputs as tf.NamedTensorInfoMap,
    backend: backend as unknown as tf.KernelBackend,
    attrs: attrs as tf.NamedAttrMap,
  });
  if (Array.isArray(out)) {
    throw new KernelBackendError(
      `fillMissingKernels: expected one output from '${kernelName}', got several.`,
    );
  }
  return out;
}

/** Reshape without copying (the wasm Reshape kernel shares the data and bumps its refCount). */
export function reshape(
  backend: WasmBackendLike,
  x: tf.TensorInfo,
  shape: number[],
): tf.TensorInfo {
  return runWasmKernel(backend, tf.Reshape, { x }, { shape });
}

/** Releases intermediate TensorInfos created by wasm kernels (refCount-aware). */
export function release(backend: WasmBackendLike, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * A Float32Array over the whole wasm heap. Take it AFTER the last allocation of a kernel step:
 * growing wasm memory detaches earlier views.
 */
export function heapF32(backend: WasmBackendLike): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer);
}

/** Element offset of a float32 tensor's data in `heapF32(backend)`. */
export function f32Offset(backend: WasmBackendLike, info: tf.TensorInfo): number {
  return (backend.getMemoryOffset(info.dataId) >>> 0) / 4;
}

/** Casts to float32 when needed; returns the input itself (not a copy) when already float32. */
export function asFloat32(backend: WasmBackendLike, x: tf.TensorInfo): tf.TensorInfo {
  if (x.dtype === 'float32') return x;
  return runWasmKernel(backend, tf.Cast, { x }, { dtype: 'float32' });
}

/** Marks an intermediate TensorInfo for release; returns it. */
export type Keep = (t: tf.TensorInfo) => tf.TensorInfo;

/**
 * Runs `body` with a `keep` that marks intermediate TensorInfos, all released when `body`
 * returns or throws. What `body` returns must not be kept: it is the kernel's output.
 */
export function withTemps<T>(backend: WasmBackendLike, body: (keep: Keep) => T): T {
  const temps: tf.TensorInfo[] = [];
  try {
    return body((t) => {
      temps.push(t);
      return t;
    });
  } finally {
    release(backend, ...temps);
  }
}

/** `x` as float32; a cast copy is kept for release. */
export function keptFloat32(backend: WasmBackendLike, x: tf.TensorInfo, keep: Keep): tf.TensorInfo {
  const x32 = asFloat32(backend, x);
  return x32 === x ? x : keep(x32);
}

/** A new float32 output of `shape`, all zeros (the gradient of an empty problem). */
export function zeros(backend: WasmBackendLike, shape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  const offset = f32Offset(backend, out);
  heapF32(backend).fill(0, offset, offset + tf.util.sizeFromShape(shape));
  return out;
}

/** `parts` joined along `axis` (kept), or the only part itself. */
export function concatParts(
  backend: WasmBackendLike,
  parts: tf.TensorInfo[],
  axis: number,
  keep: Keep,
): tf.TensorInfo {
  if (parts.length === 1) return parts[0] as tf.TensorInfo;
  return keep(runWasmKernel(backend, tf.Concat, parts, { axis }));
}
