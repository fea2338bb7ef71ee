// Multi-threaded tfjs-backend-wasm in Node. The package's src/index.ts re-exports from here.
export { enableWasmThreads } from './enable.js';
export type { WasmThreadsOptions, WasmThreadsResult } from './enable.js';
