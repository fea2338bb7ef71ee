// Entry of the kernels module. Built with --importMemory --runtime stub: every pointer refers
// to tfjs-backend-wasm's own memory; the module keeps no data of its own in it.
export { scratchBytes, setScratch } from './scratch';
export { gemm } from './gemm';
export { setConv, col2im, flipFilter } from './conv';
export { epilogue } from './epilogue';
export {
  winogradDy,
  winogradFilter,
  winogradFilterGrad,
  winogradInput,
  winogradOutput,
} from './winograd';
export { applyGradientDescent, reluGrad } from './elementwise';
