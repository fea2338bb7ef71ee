// Public surface of @tfslim/kernels-wasm: everything users may import is listed here.
export { registerWasmKernels, unregisterWasmKernels, wasmKernelsReady } from './register.js';
