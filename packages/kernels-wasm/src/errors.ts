// Typed errors of @tfslim/kernels-wasm: each has a stable `code` to branch on.

/**
 * A filled kernel (fillMissingKernels) got inputs or attributes it cannot compute, e.g. `dy`
 * of a shape the convolution does not produce. The message names the kernel and the fix.
 */
export class KernelInputError extends Error {
  override readonly name = 'KernelInputError';
  readonly code = 'KERNEL_INPUT';
}

/**
 * A kernel registered for tfjs-backend-wasm ran on another backend, or that backend lacks a
 * kernel the fill is built from: a tfjs-backend-wasm version these kernels were not written
 * for (use ^4.22).
 */
export class KernelBackendError extends Error {
  override readonly name = 'KernelBackendError';
  readonly code = 'KERNEL_BACKEND';
}

/** `enableWasmThreads` was given an option it cannot use (a TypeError, as before). */
export class WasmThreadsOptionError extends TypeError {
  override readonly name = 'WasmThreadsOptionError';
  readonly code = 'WASM_THREADS_OPTION';
}

/**
 * The multi-threaded wasm binary did not start. `enableWasmThreads` never throws it: it
 * returns `enabled: false` with this message as `reason`.
 */
export class WasmThreadsStartError extends Error {
  override readonly name = 'WasmThreadsStartError';
  readonly code = 'WASM_THREADS_START';
}
