// Public surface of @tfslim/kernels-wasm: everything users may import is listed here.
export {
  registerWasmKernels,
  setWasmKernelThreads,
  unregisterWasmKernels,
  wasmKernelsReady,
} from './register.js';
export {
  KernelBackendError,
  KernelInputError,
  KernelMemoryError,
  KernelThreadsOptionError,
} from './errors.js';
