// Browsers: the GPU backends when the app registered them, then wasm (whose binaries the page
// must serve), then cpu. No Node built-in, no tfjs-node.
import type { Platform } from './platform.js';
import type { WasmThreadsResult } from '@tfslim/kernels-wasm';

const nodeOnly = (pkg: string) => async (): Promise<never> => {
  // eslint-disable-next-line no-restricted-syntax -- internal: the probe turns it into a rejection reason
  throw new Error(`${pkg} runs only in Node, not in a browser`);
};
const notRegistered = (name: string) => async (): Promise<never> => {
  // eslint-disable-next-line no-restricted-syntax -- internal: the probe turns it into a rejection reason
  throw new Error(
    `@tensorflow/tfjs-backend-${name} is not registered: import '@tensorflow/tfjs-backend-${name}' in the page before selectBackend to consider it`,
  );
};

/** The binary tfjs-backend-wasm fetches first (SIMD where the browser has it). */
function wasmUrl(paths: string | Readonly<Record<string, string>>, simd: boolean): string {
  const file = simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  if (typeof paths === 'string') return `${paths}${file}`;
  return paths[file] ?? file;
}

function hasSimd(): boolean {
  // The smallest module using a v128 instruction (what wasm-feature-detect checks).
  const bytes = Uint8Array.from([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253,
    15, 253, 98, 11,
  ]);
  try {
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

export const browserPlatform: Platform = {
  candidates: ['webgpu', 'webgl', 'wasm', 'cpu'],
  loaders: {
    'tensorflow-gpu': nodeOnly('@tensorflow/tfjs-node-gpu'),
    tensorflow: nodeOnly('@tensorflow/tfjs-node'),
    webgpu: notRegistered('webgpu'),
    webgl: notRegistered('webgl'),
    wasm: () => import('@tensorflow/tfjs-backend-wasm'),
    cpu: () => import('@tensorflow/tfjs-backend-cpu'),
  },
  env: () => ({}),
  enableWasmThreads: async (): Promise<WasmThreadsResult> => ({
    enabled: false,
    threads: 1,
    reason:
      'not running in Node (browsers: serve the page cross-origin isolated and use tfjs-backend-wasm as documented)',
  }),
  async diagnoseWasm(paths) {
    if (typeof fetch !== 'function') return undefined;
    const url = wasmUrl(paths ?? '', hasSimd());
    try {
      const response = await fetch(url);
      const type = response.headers.get('content-type') ?? '';
      if (!response.ok) {
        return `the wasm binary was not served (GET ${url}: HTTP ${response.status}); serve @tensorflow/tfjs-backend-wasm/dist/*.wasm and pass wasmPaths`;
      }
      if (!type.includes('wasm')) {
        return `GET ${url} answered ${type || 'no content type'}, not application/wasm (the .wasm files are not served there); serve @tensorflow/tfjs-backend-wasm/dist/*.wasm and pass wasmPaths`;
      }
      return undefined;
    } catch (error) {
      return `the wasm binary could not be fetched (GET ${url}: ${error instanceof Error ? error.message : String(error)}); serve @tensorflow/tfjs-backend-wasm/dist/*.wasm and pass wasmPaths`;
    }
  },
};
