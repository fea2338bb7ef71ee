// Public surface of @tfslim/backend-selector in browsers (the `browser` export condition): the
// same names as index.ts, without tfjs-node, Node built-ins or worker threads.
export { selectBackend } from './select-browser.js';
export { formatReport } from './format.js';
export { BackendOptionsError, BackendUnavailableError, GradientsMissingError } from './errors.js';
export { registerGradients, missingGradients, TRAINING_KERNELS } from './gradients/index.js';
export { fillMissingKernels } from './kernels/index.js';
export { enableWasmThreads } from './threads/browser.js';
export type { WasmThreadsOptions, WasmThreadsResult } from './threads/browser.js';
export { ALL_CANDIDATES, BROWSER_CANDIDATES } from './types.js';
export type {
  BackendCandidate,
  BackendReport,
  ModuleLoader,
  Rejection,
  SelectBackendOptions,
} from './types.js';
