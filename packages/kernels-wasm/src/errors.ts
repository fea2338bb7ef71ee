// The typed error of @tfslim/kernels-wasm; its `code` says what went wrong (see the README).
import { TfslimError } from '@tfslim/errors';

/**
 * What went wrong in a kernel: `INVALID_ARGUMENT` (bad shapes or settings), `UNSUPPORTED_INPUT`
 * (an input these kernels do not handle, with no stock kernel to fall back to), `WRONG_BACKEND`
 * (a tensor the wasm backend does not hold), `OUT_OF_MEMORY` (the wasm heap is full).
 */
export type WasmKernelErrorCode =
  'INVALID_ARGUMENT' | 'UNSUPPORTED_INPUT' | 'WRONG_BACKEND' | 'OUT_OF_MEMORY';

/**
 * An error from the wasm kernels or their settings.
 *
 * @example
 * try { setWasmKernelThreads(0); } catch (e) {
 *   if (e instanceof WasmKernelError) console.error(e.code); // 'INVALID_ARGUMENT'
 * }
 */
export class WasmKernelError extends TfslimError {
  declare readonly code: WasmKernelErrorCode;
  constructor(code: WasmKernelErrorCode, message: string) {
    super(code, message);
    this.name = 'WasmKernelError';
  }
}
