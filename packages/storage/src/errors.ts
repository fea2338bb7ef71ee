// Errors of the stores, with Node's error codes so callers test one `code` whatever the store,
// and always the path and the operation, which Node leaves out of write and fsync errors.
import { codedError, TfslimError } from '@tfslim/errors';

/**
 * A file operation that failed. `code` is Node's (`ENOENT`, `EEXIST`, `EISDIR`, `ENOTDIR`,
 * `EBADF`, `ENOSPC`, `EDQUOT`, `EACCES`, `EPERM`, `EROFS`, `EIO`, ...), `path` the file or
 * directory concerned and `operation` what was being done (`write`, `mkdir`, ...).
 *
 * @example
 * try { await store.writeFile('/full/disk/f', bytes); } catch (e) {
 *   if (e instanceof FileStoreError && e.code === 'ENOSPC') console.error('disk full:', e.path);
 * }
 */
export class FileStoreError extends TfslimError {
  override readonly name = 'FileStoreError';
  /** The store method that failed (`write`, `mkdir`, `rename`, ...), when known. */
  readonly operation: string | undefined;

  constructor(
    code: string,
    readonly path: string,
    message: string,
    options: { operation?: string; cause?: unknown } = {},
  ) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.operation = options.operation;
  }
}

/**
 * A store that cannot work here: `NodeFileStore` in a browser, `IndexedDbFileStore` without
 * IndexedDB. Code `STORE_UNAVAILABLE`.
 *
 * @example
 * try { new IndexedDbFileStore(); } catch (e) { if (e instanceof StoreUnavailableError) useMemory(); }
 */
export class StoreUnavailableError extends codedError('STORE_UNAVAILABLE') {
  override readonly name = 'StoreUnavailableError';
}

/** The code of an error thrown by any store (`undefined` when it has none). */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

// What each code means, and what the user can do about it.
const EXPLAIN: Readonly<Record<string, readonly [string, string]>> = {
  ENOSPC: ['no space left on the device', 'Free space on that disk, or write elsewhere'],
  EDQUOT: ['the disk quota is exceeded', 'Free space within your quota, or write elsewhere'],
  EFBIG: ['the file is too large for this file system', 'Write to another file system'],
  EACCES: ['permission denied', 'Give this process write access there, or write elsewhere'],
  EPERM: ['operation not permitted', 'Give this process write access there, or write elsewhere'],
  EROFS: ['a read-only file system', 'Write to a writable file system'],
  ENOENT: ['no such file or directory', 'Check the path (create its directory first)'],
  ENOTDIR: [
    'a part of the path is a file, not a directory',
    'Use a path whose parents are directories',
  ],
  EISDIR: ['a directory where a file was expected', 'Use the path of a file'],
  EEXIST: ['the file already exists', 'Use a new name, or remove the old file'],
  EIO: ['an input/output error', 'Check the disk'],
  EMFILE: ['too many open files', 'Close files, or raise the limit (ulimit -n)'],
};

const VERBS: Readonly<Record<string, string>> = {
  readFile: 'read',
  writeFile: 'write',
  mkdir: 'create the directory',
  list: 'list the directory',
  syncDir: 'sync the directory',
  create: 'create',
};

/**
 * What an error code means and what to do about it, as the stores' messages say it
 * (undefined for a code without an explanation here).
 *
 * @example
 * explainErrorCode('ENOSPC'); // { what: 'no space left on the device', fix: 'Free space on that disk, or write elsewhere' }
 */
export function explainErrorCode(code: string): { what: string; fix: string } | undefined {
  const found = EXPLAIN[code];
  return found === undefined ? undefined : { what: found[0], fix: found[1] };
}

/**
 * `e` as a {@link FileStoreError} naming `path` and `operation` (an error that already is one
 * is returned as it is; one without a code is returned unchanged). Stores call this so that a
 * full disk reads `NodeFileStore.write: expected to write /run/x, got ENOSPC (no space left on
 * the device). Free space ...` rather than Node's `ENOSPC: no space left on device, write`.
 *
 * @example
 * await fh.write(bytes).catch((e) => { throw asFileStoreError(e, 'MyStore', 'write', file); });
 */
export function asFileStoreError(
  e: unknown,
  store: string,
  operation: string,
  path: string,
  /** Words after the path in the message, e.g. `to /run/x` for a rename. */
  detail?: string,
): unknown {
  if (e instanceof FileStoreError) return e;
  const code = errorCode(e);
  if (code === undefined) return e;
  const [what, fix] = EXPLAIN[code] ?? [
    e instanceof Error ? e.message : String(e),
    'See the cause of this error',
  ];
  const verb = VERBS[operation] ?? operation;
  return new FileStoreError(
    code,
    path,
    `${store}.${operation}: expected to ${verb} ${path}${detail === undefined ? '' : ` ${detail}`}, got ${code} (${what}). ${fix}.`,
    { operation, cause: e },
  );
}
