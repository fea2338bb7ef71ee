// Multi-threaded tfjs-backend-wasm in Node (the package's src/index.ts re-exports from here).
export { enableWasmThreads } from './enable.js';
export { keepProcessErrorHandlers } from './process-handlers.js';
export type { WasmThreadsOptions, WasmThreadsResult } from './enable.js';
