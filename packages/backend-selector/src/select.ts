// selectBackend for Node: selectBackendOn with the Node platform.
import { nodePlatform } from './platform-node.js';
import { selectBackendOn } from './select-core.js';
import type { BackendReport, SelectBackendOptions } from './types.js';

/**
 * Picks the fastest backend that really works here, makes it tfjs's active backend, registers
 * gradients, and fills (or replaces) training kernels it lacks. In Node it tries native
 * TensorFlow (CUDA, then CPU), wasm, cpu; in a browser webgpu and webgl (when the app
 * registered them), wasm, cpu.
 *
 * @example
 * const report = await selectBackend();
 * console.log(report.backend, report.rejected);
 */
export function selectBackend(options: SelectBackendOptions = {}): Promise<BackendReport> {
  return selectBackendOn(nodePlatform, options);
}
