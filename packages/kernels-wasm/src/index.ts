// Public surface of @tfslim/kernels-wasm (Node build; index.browser.ts is the browser build of
// the same names): everything users may import is listed here.
export {
  registerWasmKernels,
  setWasmKernelThreads,
  unregisterWasmKernels,
  wasmKernelsReady,
} from './register.js';
export { fillMissingKernels } from './fills/fill-missing-kernels.js';
export { enableWasmThreads, keepProcessErrorHandlers } from './wasm-threads/index.js';
export type { WasmThreadsOptions, WasmThreadsResult } from './wasm-threads/index.js';
export {
  KernelBackendError,
  KernelInputError,
  KernelMemoryError,
  KernelThreadsOptionError,
  WasmThreadsOptionError,
  WasmThreadsStartError,
} from './errors.js';
