// Where one kernel call runs: the backend's own memory (directExec) or the shared threads' (openExec).
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelContext, KernelExports } from './module.js';
import { sharedExec } from './threads.js';
import { offsetOf } from './wasm-backend.js';
import { KernelMemoryError } from './errors.js';

/**
 * Where one kernel call runs: the kernels and the addresses of its tensors in the memory those
 * kernels see. Directly in tfjs-backend-wasm's memory (zero copy), or in the worker threads'
 * shared memory (inputs copied in, outputs copied back by `finish`).
 */
export interface Exec {
  k: KernelExports;
  /** Address of an input tensor's data. */
  input(t: tf.TensorInfo): number;
  /** Address to write an output tensor's data (made with the backend's makeOutput). */
  output(t: tf.TensorInfo): number;
  /** Temporary bytes, released by finish. */
  alloc(bytes: number): number;
  /** Sets `bytes` bytes at `ptr` to zero. */
  zero(ptr: number, bytes: number): void;
  /** Copies outputs back (shared memory) and releases temporaries. Call exactly once. */
  finish(): void;
}

/** Runs in tfjs-backend-wasm's own memory: tensors are read and written where they live. */
export function directExec(ctx: KernelContext): Exec {
  const { backend } = ctx;
  const temporaries: number[] = [];
  return {
    k: ctx.k,
    input: (t) => offsetOf(backend, t),
    output: (t) => offsetOf(backend, t),
    alloc: (bytes) => {
      const ptr = backend.wasm._malloc(Math.max(16, bytes)) >>> 0;
      if (ptr === 0) {
        throw new KernelMemoryError(
          `kernels-wasm: the wasm backend could not allocate ${bytes} bytes.`,
        );
      }
      temporaries.push(ptr);
      return ptr;
    },
    zero: (ptr, bytes) => {
      backend.wasm.HEAPU8.fill(0, ptr, ptr + bytes);
    },
    finish: () => {
      for (const ptr of temporaries) backend.wasm._free(ptr);
      temporaries.length = 0;
    },
  };
}

/**
 * The Exec for a call of `flops` work that needs `bytes` of inputs, outputs and temporaries:
 * worker threads over shared memory for large calls when they are running, else direct.
 */
export function openExec(ctx: KernelContext, flops: number, bytes: number): Exec {
  return sharedExec(ctx, flops, bytes) ?? directExec(ctx);
}
