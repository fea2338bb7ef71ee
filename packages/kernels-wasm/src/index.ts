// Public surface of @tfslim/kernels-wasm: everything users may import is listed here.

/**
 * Replaces tfjs-backend-wasm's kernels with tfslim's SIMD ones. Returns the kernel names that
 * were replaced. (Stage 0: none yet.)
 */
export function registerWasmKernels(): string[] {
  return [];
}
