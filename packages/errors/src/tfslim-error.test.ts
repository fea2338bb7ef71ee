// TfslimError carries a code, its subclass's name and a cause; isTfslimError sees through copies.
import { TfslimError, codedError, isTfslimError } from './index.js';
import type * as ErrorsModule from './index.js';

class DiskFullError extends TfslimError {
  constructor(readonly path: string) {
    super('DISK_FULL', `save: expected room to write ${path}, got a full disk. Free space.`);
  }
}

it('keeps the code and message, and names the error after its class', () => {
  const e = new DiskFullError('/tmp/x');
  expect(e.code).toBe('DISK_FULL');
  expect(e.message).toBe('save: expected room to write /tmp/x, got a full disk. Free space.');
  expect(e.name).toBe('DiskFullError');
  expect(String(e)).toMatch(/^DiskFullError: save: /);
  expect(e).toBeInstanceOf(TfslimError);
  expect(e).toBeInstanceOf(Error);
  expect(new TfslimError('X', 'm').name).toBe('TfslimError');
});

it('keeps the cause it is given, and has none otherwise', () => {
  const cause = new Error('ENOSPC');
  expect(new TfslimError('WRITE_FAILED', 'm', { cause }).cause).toBe(cause);
  expect('cause' in new TfslimError('WRITE_FAILED', 'm')).toBe(false);
});

it('isTfslimError tells tfslim errors from others', () => {
  expect(isTfslimError(new DiskFullError('/x'))).toBe(true);
  expect(isTfslimError(Object.assign(new Error('m'), { code: 'ENOENT' }))).toBe(false);
  expect(isTfslimError({ code: 'DISK_FULL', message: 'm' })).toBe(false);
  expect(isTfslimError(null)).toBe(false);
  expect(isTfslimError('DISK_FULL')).toBe(false);
});

it('isTfslimError recognizes an error from another copy of the package, where instanceof cannot', () => {
  let other: typeof ErrorsModule | undefined;
  jest.isolateModules(() => {
    other = jest.requireActual<typeof ErrorsModule>('./index.js');
  });
  expect(other!.TfslimError).not.toBe(TfslimError);
  const e = new other!.TfslimError('NOT_FOUND', 'm');
  expect(e instanceof TfslimError).toBe(false);
  expect(isTfslimError(e)).toBe(true);
  expect(other!.isTfslimError(new DiskFullError('/x'))).toBe(true);
});

it('codedError makes a class with one code whose constructor takes the message and a cause', () => {
  class QuotaError extends codedError('QUOTA') {
    override readonly name = 'QuotaError';
  }
  const cause = new Error('disk');
  const e = new QuotaError('save: expected room, got none. Free space.', { cause });
  expect(e).toBeInstanceOf(TfslimError);
  expect(e).toBeInstanceOf(Error);
  expect([e.code, e.name, e.message, e.cause]).toEqual([
    'QUOTA',
    'QuotaError',
    'save: expected room, got none. Free space.',
    cause,
  ]);
  expect(isTfslimError(e)).toBe(true);
  expect(String(e)).toBe('QuotaError: save: expected room, got none. Free space.');
});
