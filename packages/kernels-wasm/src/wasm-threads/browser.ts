// enableWasmThreads in the browser build: threads there are tfjs-backend-wasm's own business.
import type { WasmThreadsOptions, WasmThreadsResult } from './types.js';

export type { WasmThreadsOptions, WasmThreadsResult } from './types.js';

/**
 * Node only: in a browser it changes nothing and says so (tfjs-backend-wasm there picks its
 * threaded binary by itself when the page is cross-origin isolated).
 *
 * @example
 * const { enabled, reason } = await enableWasmThreads(); // enabled: false in a browser
 */
export async function enableWasmThreads(
  _options: WasmThreadsOptions = {},
): Promise<WasmThreadsResult> {
  return {
    enabled: false,
    threads: 1,
    reason:
      'not running in Node (browsers: serve the page cross-origin isolated and use tfjs-backend-wasm as documented)',
  };
}
