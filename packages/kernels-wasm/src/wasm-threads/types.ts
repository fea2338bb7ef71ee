// Options and result of enableWasmThreads (shared by the Node and browser builds).

/** Options of {@link enableWasmThreads}. */
export interface WasmThreadsOptions {
  /**
   * Threads in XNNPACK's pool, the calling thread included (2 to 8). Default: the CPUs Node
   * may use (`os.availableParallelism()`), at most 8.
   */
  threads?: number;
}

/** What {@link enableWasmThreads} did. */
export interface WasmThreadsResult {
  /** True when the wasm backend will run (or runs) the multi-threaded SIMD binary. */
  enabled: boolean;
  /** Threads the wasm backend computes with: the pool's size when enabled, else 1. */
  threads: number;
  /** Why the single-threaded binary stays in use; absent when enabled. */
  reason?: string;
}
