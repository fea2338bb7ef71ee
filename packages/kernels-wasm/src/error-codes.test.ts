// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import { isTfslimError } from '@tfslim/errors';
import { thrownBy } from '@tfslim-internal/testing';
import { WasmKernelError, setWasmKernelThreads } from './index.js';

it('a bad thread count is a WasmKernelError (INVALID_ARGUMENT) with the same message', () => {
  const e = thrownBy(() => setWasmKernelThreads(0));
  expect(e).toBeInstanceOf(WasmKernelError);
  expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', name: 'WasmKernelError' });
  expect(isTfslimError(e)).toBe(true);
  expect((e as Error).message).toMatch(/^setWasmKernelThreads: expected a whole number of threads/);
});
