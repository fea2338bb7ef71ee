// Typed errors of @tfslim/data: each names the file, the record index and the feature involved.
import { TfslimError } from '@tfslim/errors';

/**
 * What went wrong: `BAD_RECORD` (damaged TFRecord framing or CRC), `BAD_EXAMPLE` (not a
 * tf.Example), `MISSING_FEATURE`, `BAD_FEATURE` (wrong kind or length), `INT64_OVERFLOW`,
 * `CORRUPT_IMAGE`, `NOT_FOUND` (no file matches), `INVALID_ARGUMENT`.
 */
export type DataErrorCode =
  | 'BAD_RECORD'
  | 'BAD_EXAMPLE'
  | 'MISSING_FEATURE'
  | 'BAD_FEATURE'
  | 'INT64_OVERFLOW'
  | 'CORRUPT_IMAGE'
  | 'NOT_FOUND'
  | 'INVALID_ARGUMENT';

/** Where an element came from, to name it in errors. */
export interface Provenance {
  /** The file (a TFRecord shard or an image). */
  file?: string | undefined;
  /** The record's index in its file. */
  recordIndex?: number | undefined;
  /** The tf.Example feature. */
  feature?: string | undefined;
}

/**
 * Bad input met by a pipeline. `onError: 'skip'` skips such elements and counts them in a
 * {@link SkippedErrors}; other errors (bugs, bad arguments) always throw.
 *
 * @example
 * try { for await (const b of ds) use(b); }
 * catch (e) { if (e instanceof DataError) console.log(e.code, e.file, e.recordIndex, e.feature); }
 */
export class DataError extends TfslimError {
  override readonly name = 'DataError';
  declare readonly code: DataErrorCode;
  readonly file: string | undefined;
  readonly recordIndex: number | undefined;
  readonly feature: string | undefined;
  constructor(
    /** The public function that failed. */
    readonly fn: string,
    code: DataErrorCode,
    where: Provenance,
    expected: string,
    got: string,
    fix: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${fn}: expected ${expected}${describe(where)}, got ${got}. ${fix}`, options);
    this.file = where.file;
    this.recordIndex = where.recordIndex;
    this.feature = where.feature;
  }
}

function describe(where: Provenance): string {
  const parts: string[] = [];
  if (where.feature !== undefined) parts.push(`feature '${where.feature}'`);
  if (where.recordIndex !== undefined) parts.push(`record ${where.recordIndex}`);
  if (where.file !== undefined) parts.push(`of ${where.file}`);
  return parts.length ? ` (${parts.join(' ')})` : '';
}

/**
 * Counts the elements a pipeline skipped (`onError: 'skip'`) and keeps the last few errors.
 *
 * @example
 * const skipped = new SkippedErrors();
 * const ds = tfrecordDataset(files, { onError: 'skip', skipped });
 * // ... after the epoch:
 * console.log(skipped.count, skipped.recent[0]?.message);
 */
export class SkippedErrors {
  count = 0;
  /** The most recent errors, newest last (at most `keep`). */
  readonly recent: DataError[] = [];
  constructor(readonly keep = 20) {}

  add(error: DataError): void {
    this.count++;
    this.recent.push(error);
    if (this.recent.length > this.keep) this.recent.shift();
  }
}

/** What a pipeline stage does with bad input. */
export interface OnErrorOptions {
  /** `'raise'` (default) throws the {@link DataError}; `'skip'` drops the element and counts it. */
  onError?: 'raise' | 'skip';
  /** Where skipped errors are counted. */
  skipped?: SkippedErrors;
}
