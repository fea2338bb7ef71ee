// Public surface of @tfslim/backend-selector (Node build; index.browser.ts is the browser build
// of the same names): everything users may import is listed here.
export { selectBackend } from './select.js';
export { formatReport } from './format.js';
export { BackendOptionsError, BackendUnavailableError, GradientsMissingError } from './errors.js';
export { registerGradients, missingGradients, TRAINING_KERNELS } from './gradients/index.js';
export { fillMissingKernels } from './kernels/index.js';
export { enableWasmThreads } from './threads/index.js';
export type { WasmThreadsOptions, WasmThreadsResult } from './threads/index.js';
export { ALL_CANDIDATES, BROWSER_CANDIDATES } from './types.js';
export type {
  BackendCandidate,
  BackendReport,
  ModuleLoader,
  Rejection,
  SelectBackendOptions,
} from './types.js';
