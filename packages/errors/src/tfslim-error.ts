// TfslimError, the base class of every error a @tfslim package throws on purpose.

/** The brand every TfslimError carries, registered globally so two copies of this package agree. */
const BRAND: unique symbol = Symbol.for('tfslim.error') as never;

/**
 * The base class of every error a @tfslim package throws on purpose. `code` is a stable
 * SCREAMING_SNAKE string to branch on (messages may be reworded, codes are not); `name` is the
 * subclass's name. `instanceof TfslimError` needs one copy of @tfslim/errors in the app; use
 * {@link isTfslimError} where two copies may be installed.
 *
 * @example
 * class DiskFullError extends TfslimError {
 *   constructor(path: string) {
 *     super('DISK_FULL', `save: expected room to write ${path}, got a full disk. Free space.`);
 *   }
 * }
 * new DiskFullError('/tmp/x').name; // 'DiskFullError'
 */
export class TfslimError extends Error {
  /** What went wrong, stable across releases, e.g. `'NOT_FOUND'` or `'INVALID_ARGUMENT'`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

Object.defineProperty(TfslimError.prototype, BRAND, { value: true });

/** The constructor {@link codedError} returns: a TfslimError made from a message alone. */
export type CodedErrorClass = new (message: string, options?: { cause?: unknown }) => TfslimError;

/**
 * The base for an error class with one fixed `code`, so a package declares each of its errors
 * in three lines. Give the subclass its `name` literally (bundlers may rename classes).
 *
 * @example
 * class DiskFullError extends codedError('DISK_FULL') {
 *   override readonly name = 'DiskFullError';
 * }
 * new DiskFullError('save: expected room to write /tmp/x, got a full disk. Free space.').code; // 'DISK_FULL'
 */
export function codedError(code: string): CodedErrorClass {
  return class extends TfslimError {
    constructor(message: string, options?: { cause?: unknown }) {
      super(code, message, options);
    }
  };
}

/**
 * Whether `e` is a {@link TfslimError}, also when it comes from another copy of
 * @tfslim/errors (two versions installed side by side), where `instanceof` says false.
 *
 * @example
 * try { await train(trainOp, logdir); } catch (e) {
 *   if (isTfslimError(e)) console.error(e.code, e.message);
 *   else throw e;
 * }
 */
export function isTfslimError(e: unknown): e is TfslimError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { [BRAND]?: unknown })[BRAND] === true &&
    typeof (e as { code?: unknown }).code === 'string'
  );
}
