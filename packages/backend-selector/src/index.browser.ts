// Public surface of @tfslim/backend-selector in browsers (the `browser` export condition): the
// same names as index.ts, without tfjs-node, Node built-ins or worker threads.
export { selectBackend } from './select-browser.js';
export { formatReport } from './format.js';
export { pickFastestBackend } from './pick-fastest-browser.js';
export type { BackendTrial, PickFastestOptions } from './pick-fastest.js';
export { BackendOptionsError, BackendUnavailableError, GradientsMissingError } from './errors.js';
// Re-exported so imports from before the split into @tfslim/gradients and @tfslim/kernels-wasm keep working.
export { registerGradients, missingGradients, TRAINING_KERNELS } from '@tfslim/gradients';
export { enableWasmThreads, fillMissingKernels } from '@tfslim/kernels-wasm';
export type { WasmThreadsOptions, WasmThreadsResult } from '@tfslim/kernels-wasm';
export { ALL_CANDIDATES, BROWSER_CANDIDATES } from './types.js';
export type {
  BackendCandidate,
  BackendReport,
  BackendTiming,
  ModuleLoader,
  Rejection,
  SelectBackendOptions,
} from './types.js';
