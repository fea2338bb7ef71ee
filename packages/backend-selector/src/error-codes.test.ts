// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import { isTfslimError } from '@tfslim/errors';
import { BackendOptionsError, selectBackend } from './index.js';

it('bad options are BackendOptionsError (INVALID_ARGUMENT) with the same message', async () => {
  const e = await selectBackend({ require: 'gpu' as never, env: {} }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(BackendOptionsError);
  expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', name: 'BackendOptionsError' });
  expect(isTfslimError(e)).toBe(true);
  expect((e as Error).message).toMatch(/^selectBackend: expected options.require to be one of/);
  await expect(selectBackend({ env: { TFSLIM_WASM_THREADS: 'x' } })).rejects.toMatchObject({
    code: 'INVALID_ARGUMENT',
  });
});
