// Typed errors of @tfslim/kernels-wasm: each has a stable `code` to branch on.
import { codedError } from '@tfslim/errors';

/**
 * A kernel got inputs it cannot compute, e.g. matmul operands whose inner dimensions differ.
 * The message names the kernel and the fix. Code `KERNEL_INPUT`.
 */
export class KernelInputError extends codedError('KERNEL_INPUT') {
  override readonly name = 'KernelInputError';
}

/**
 * A kernel registered for tfjs-backend-wasm met a tensor that backend does not hold, or an
 * input it hands to the stock kernel the backend lacks: a tfjs-backend-wasm version these
 * kernels were not written for (use ^4.22). Code `KERNEL_BACKEND`.
 */
export class KernelBackendError extends codedError('KERNEL_BACKEND') {
  override readonly name = 'KernelBackendError';
}

/**
 * `setWasmKernelThreads` was given a thread count it cannot use. Code `KERNEL_THREADS_OPTION`.
 *
 * @example
 * try { setWasmKernelThreads(0); } catch (e) { e instanceof KernelThreadsOptionError; } // true
 */
export class KernelThreadsOptionError extends codedError('KERNEL_THREADS_OPTION') {
  override readonly name = 'KernelThreadsOptionError';
}

/** The wasm backend's heap could not hold a kernel's temporaries. Code `KERNEL_MEMORY`. */
export class KernelMemoryError extends codedError('KERNEL_MEMORY') {
  override readonly name = 'KernelMemoryError';
}

/** `enableWasmThreads` was given an option it cannot use. Code `WASM_THREADS_OPTION`. */
export class WasmThreadsOptionError extends codedError('WASM_THREADS_OPTION') {
  override readonly name = 'WasmThreadsOptionError';
}

/**
 * The multi-threaded wasm binary did not start. `enableWasmThreads` never throws it: it
 * returns `enabled: false` with this message as `reason`. Code `WASM_THREADS_START`.
 */
export class WasmThreadsStartError extends codedError('WASM_THREADS_START') {
  override readonly name = 'WasmThreadsStartError';
}
