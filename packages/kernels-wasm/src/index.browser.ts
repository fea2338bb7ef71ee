// Public surface of @tfslim/kernels-wasm in browsers (the `browser` export condition): the same
// names as index.ts, with enableWasmThreads that only says threads are the browser's business.
export {
  registerWasmKernels,
  setWasmKernelThreads,
  unregisterWasmKernels,
  wasmKernelsReady,
} from './register.js';
export { fillMissingKernels } from './fills/fill-missing-kernels.js';
export { enableWasmThreads } from './wasm-threads/browser.js';
export { keepProcessErrorHandlers } from './wasm-threads/process-handlers.js';
export type { WasmThreadsOptions, WasmThreadsResult } from './wasm-threads/browser.js';
export {
  KernelBackendError,
  KernelInputError,
  KernelMemoryError,
  KernelThreadsOptionError,
  WasmThreadsOptionError,
  WasmThreadsStartError,
} from './errors.js';
