// Public surface of @tfslim/backend-selector (Node build; index.browser.ts is the browser build
// of the same names): everything users may import is listed here.
export { selectBackend } from './select.js';
export { formatReport } from './format.js';
export { pickFastestBackend } from './pick-fastest-node.js';
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
