// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import { isTfslimError } from '@tfslim/errors';
import { thrownBy } from '@tfslim-internal/testing';
import { KernelThreadsOptionError, setWasmKernelThreads } from './index.js';

it('a bad thread count is a KernelThreadsOptionError (KERNEL_THREADS_OPTION) with the same message', () => {
  const e = thrownBy(() => setWasmKernelThreads(0));
  expect(e).toBeInstanceOf(KernelThreadsOptionError);
  expect(e).toMatchObject({ code: 'KERNEL_THREADS_OPTION', name: 'KernelThreadsOptionError' });
  expect(isTfslimError(e)).toBe(true);
  expect((e as Error).message).toMatch(/^setWasmKernelThreads: expected a whole number of threads/);
});
