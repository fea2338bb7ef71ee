// Errors of the stores, with Node's error codes so callers test one `code` whatever the store.

/** A file operation that failed; `code` is Node's (`ENOENT`, `EEXIST`, `EISDIR`, `ENOTDIR`). */
export class FileStoreError extends Error {
  override readonly name = 'FileStoreError';
  constructor(
    readonly code: 'ENOENT' | 'EEXIST' | 'EISDIR' | 'ENOTDIR' | 'EBADF',
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** The code of an error thrown by any store (`undefined` when it has none). */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
