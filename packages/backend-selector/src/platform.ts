// What differs between Node and browsers (default candidates, module loading, wasm threads,
// options); platform-node.ts and platform-browser.ts provide one each.
import type { WasmThreadsOptions, WasmThreadsResult } from '@tfslim/kernels-wasm';
import type { BackendCandidate, ModuleLoader } from './types.js';

export interface Platform {
  /** Candidates tried when options.prefer is not given, fastest first. */
  readonly candidates: readonly BackendCandidate[];
  readonly loaders: Readonly<Record<BackendCandidate, ModuleLoader>>;
  /** Environment variables (TFSLIM_*) when the platform has them. */
  env(): Record<string, string | undefined>;
  enableWasmThreads(options: WasmThreadsOptions): Promise<WasmThreadsResult>;
  /** Why wasm did not start, when the platform can find out. */
  diagnoseWasm(
    paths: string | Readonly<Record<string, string>> | undefined,
  ): Promise<string | undefined>;
}
