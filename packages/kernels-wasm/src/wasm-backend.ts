// The parts of tfjs-backend-wasm the kernels use, typed, and tensor addresses in its memory.
import type * as tf from '@tensorflow/tfjs-core';
import { KernelBackendError } from './errors.js';

/** The parts of tfjs-backend-wasm's emscripten module the kernels use. */
export interface EmscriptenModule {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAPU8: Uint8Array;
  asm?: { memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
}

/** What tfjs-backend-wasm keeps per tensor (BackendWasm's dataIdMap values). */
export interface WasmTensorData {
  memoryOffset: number;
  shape: number[];
  dtype: tf.DataType;
}

/** The parts of tfjs-backend-wasm's BackendWasm the kernels use. */
export interface WasmBackend {
  wasm: EmscriptenModule;
  dataIdMap: { get(dataId: tf.DataId): WasmTensorData | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** True when `backend` looks like tfjs-backend-wasm's BackendWasm (4.x). */
export function isWasmBackend(backend: unknown): backend is WasmBackend {
  const b = backend as Partial<WasmBackend> | null;
  return (
    b != null &&
    typeof b.makeOutput === 'function' &&
    b.dataIdMap != null &&
    b.wasm != null &&
    typeof b.wasm._malloc === 'function'
  );
}

/** The WebAssembly.Memory tfjs-backend-wasm allocates tensors in, or undefined if not found. */
export function backendMemory(backend: WasmBackend): WebAssembly.Memory | undefined {
  const candidates = [backend.wasm.asm?.memory, backend.wasm.wasmMemory];
  for (const memory of candidates) {
    if (memory instanceof WebAssembly.Memory && memory.buffer === backend.wasm.HEAPU8.buffer) {
      return memory;
    }
  }
  return undefined;
}

/** Byte offset of a tensor's data in the backend's memory. */
export function offsetOf(backend: WasmBackend, t: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data == null || typeof data.memoryOffset !== 'number') {
    throw new KernelBackendError(
      `kernels-wasm: expected a tensor held by the wasm backend, got dataId with no memory offset. Create tensors after tf.setBackend('wasm').`,
    );
  }
  return data.memoryOffset;
}
