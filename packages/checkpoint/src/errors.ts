// The typed errors of @tfslim/checkpoint; each carries a stable `code` (see the README).
import { TfslimError } from '@tfslim/errors';

/**
 * What went wrong, in a form code can branch on. `NOT_FOUND`: a file or tensor is missing;
 * `TRUNCATED`, `BAD_MAGIC`, `BAD_CRC`, `CORRUPT`: the bytes are damaged; `V1_FORMAT`,
 * `UNSUPPORTED_DTYPE`, `UNSUPPORTED`: valid but not readable here; `OUT_OF_RANGE`: a value
 * does not fit the tfjs dtype it converts to; `INVALID_ARGUMENT`: the caller passed
 * something unusable; `WRITE_FAILED`: a save could not write its files.
 */
export type CheckpointErrorCode =
  | 'NOT_FOUND'
  | 'TRUNCATED'
  | 'BAD_MAGIC'
  | 'BAD_CRC'
  | 'CORRUPT'
  | 'V1_FORMAT'
  | 'UNSUPPORTED_DTYPE'
  | 'UNSUPPORTED'
  | 'OUT_OF_RANGE'
  | 'INVALID_ARGUMENT'
  | 'WRITE_FAILED';

/** Where and what: the parts every checkpoint error message is built from. */
export interface CheckpointErrorDetails {
  /** The public function that failed, e.g. `CheckpointReader.getTensor`. */
  fn: string;
  code: CheckpointErrorCode;
  /** The file the problem is in (absolute or as given). */
  file: string;
  /** The tensor concerned, when there is one. */
  tensor?: string | undefined;
  expected: string;
  got: string;
  /** How to fix it: one sentence. */
  fix: string;
}

/**
 * Base class of every error about a checkpoint file. `file`, `tensor` and `problem` name
 * the file, the tensor (if any) and what is wrong with it.
 *
 * @example
 * try {
 *   await CheckpointReader.open('/ckpt/model.ckpt-10');
 * } catch (e) {
 *   if (e instanceof CheckpointError) console.error(e.code, e.file, e.tensor, e.problem);
 * }
 */
export class CheckpointError extends TfslimError {
  declare readonly code: CheckpointErrorCode;
  readonly file: string;
  readonly tensor: string | undefined;
  /** `expected <what>, got <what>` without the function name and the fix. */
  readonly problem: string;

  constructor(d: CheckpointErrorDetails) {
    const where = d.tensor === undefined ? d.file : `tensor "${d.tensor}" in ${d.file}`;
    const problem = `expected ${d.expected}, got ${d.got}`;
    super(d.code, `${d.fn}: ${where}: ${problem}. ${d.fix}`);
    this.name = 'CheckpointError';
    this.file = d.file;
    this.tensor = d.tensor;
    this.problem = problem;
  }
}

/**
 * A checkpoint file, or a tensor in it, does not exist.
 *
 * @example
 * const e = await CheckpointReader.open('/nope').catch((x: unknown) => x);
 * e instanceof CheckpointNotFoundError; // true
 */
export class CheckpointNotFoundError extends CheckpointError {
  constructor(d: Omit<CheckpointErrorDetails, 'code'>) {
    super({ ...d, code: 'NOT_FOUND' });
    this.name = 'CheckpointNotFoundError';
  }
}

/**
 * The bytes of a checkpoint are damaged: bad magic, bad CRC32C, truncated or inconsistent.
 *
 * @example
 * try { await reader.getTensor('w'); } catch (e) {
 *   if (e instanceof CheckpointCorruptError) console.error('corrupt:', e.file, e.tensor);
 * }
 */
export class CheckpointCorruptError extends CheckpointError {
  constructor(
    d: CheckpointErrorDetails & { code: 'TRUNCATED' | 'BAD_MAGIC' | 'BAD_CRC' | 'CORRUPT' },
  ) {
    super(d);
    this.name = 'CheckpointCorruptError';
  }
}

/**
 * The file is valid but uses something this package cannot read: an unsupported dtype, a
 * partitioned variable, a big-endian bundle, or a value out of the target dtype's range.
 *
 * @example
 * try { await reader.getTensor('big_int64'); } catch (e) {
 *   if (e instanceof CheckpointFormatError && e.code === 'OUT_OF_RANGE') { ... }
 * }
 */
export class CheckpointFormatError extends CheckpointError {
  constructor(d: CheckpointErrorDetails) {
    super(d);
    this.name = 'CheckpointFormatError';
  }
}

/**
 * A TensorFlow V1 checkpoint this package does not read: one sharded over several files
 * (`PREFIX-00000-of-00002`, `Saver(sharded=True)` before TF 0.12). A single V1 file such as
 * slim's `vgg_16.ckpt` reads. Convert it with Python TensorFlow (load it with
 * `tf.compat.v1.train.Saver` and save it again: TF writes V2 by default).
 *
 * @example
 * const e = await CheckpointReader.open('dir/model.ckpt').catch((x: unknown) => x);
 * e instanceof V1FormatError; // true when only dir/model.ckpt-0000N-of-0000M exist
 */
export class V1FormatError extends CheckpointFormatError {
  constructor(fn: string, file: string) {
    super({
      fn,
      code: 'V1_FORMAT',
      file,
      expected: 'a V2 tensor bundle (PREFIX.index + PREFIX.data-00000-of-00001)',
      got: 'a TensorFlow V1 format checkpoint sharded over several files (or named as an .index)',
      fix: 'Re-save it with Python TensorFlow (tf.compat.v1.train.Saver writes V2 by default), then load the new prefix',
    });
    this.name = 'V1FormatError';
  }
}

/**
 * A save could not write its files (a full disk, no permission, a read-only file system).
 * `file` is the file it was writing, `storeCode` the file system's code (`ENOSPC`, `EACCES`,
 * `EROFS`, ...), and `intact` the latest checkpoint, which the failed save left as it was
 * (null when there was none). The error it wraps is its `cause`.
 *
 * @example
 * try { await saveCheckpoint(dir, vars, { globalStep }); } catch (e) {
 *   if (e instanceof CheckpointWriteError && e.storeCode === 'ENOSPC') console.error('disk full; still have', e.intact);
 * }
 */
export class CheckpointWriteError extends CheckpointError {
  constructor(
    d: Omit<CheckpointErrorDetails, 'code'>,
    /** The file system's code: `ENOSPC`, `EDQUOT`, `EACCES`, `EROFS`, `ENOTDIR`, ... */
    readonly storeCode: string,
    /** The latest checkpoint, left as it was by the failed save (null when none). */
    readonly intact: string | null,
    cause: unknown,
  ) {
    super({ ...d, code: 'WRITE_FAILED' });
    this.name = 'CheckpointWriteError';
    this.cause = cause;
  }
}

/**
 * Bad arguments to a checkpoint function (a negative `globalStep`, `maxToKeep` or
 * `shardBytes`, a value that is not a tensor, duplicate names). Code `INVALID_ARGUMENT`.
 *
 * @example
 * await saveCheckpoint('/run', { w }, { maxToKeep: -1 }).catch((e) => e instanceof CheckpointArgumentError); // true
 */
export class CheckpointArgumentError extends TfslimError {
  declare readonly code: 'INVALID_ARGUMENT';
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
    this.name = 'CheckpointArgumentError';
  }
}

/** Builds a CheckpointCorruptError; every parser in this package throws through it. */
export function corrupt(
  fn: string,
  file: string,
  tensor: string | undefined,
  expected: string,
  got: string,
  code: 'TRUNCATED' | 'BAD_MAGIC' | 'BAD_CRC' | 'CORRUPT' = 'CORRUPT',
): CheckpointCorruptError {
  return new CheckpointCorruptError({
    fn,
    code,
    file,
    tensor,
    expected,
    got,
    fix: 'The file is damaged or not a checkpoint; restore it from a backup or use an older checkpoint',
  });
}

/** The error for a tensor whose dtype (TF enum `name`, `id`) this package cannot decode. */
export function unsupportedDtype(
  fn: string,
  file: string,
  tensor: string,
  name: string,
  id: number,
): CheckpointFormatError {
  return new CheckpointFormatError({
    fn,
    code: 'UNSUPPORTED_DTYPE',
    file,
    tensor,
    expected: 'a numeric, bool or string dtype',
    got: `${name} (id ${id})`,
    fix: 'Cast it to a supported dtype in TensorFlow before saving',
  });
}

/** Formats a CRC as 8 hex digits. */
export function hex32(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}
