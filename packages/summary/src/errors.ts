// The typed errors of @tfslim/summary; each carries a stable `code` (see the README).
import { codedError, TfslimError } from '@tfslim/errors';

/**
 * Thrown by the event readers when a record's length or payload CRC does not match: the
 * file was damaged after it was written. A file ending inside a record is the subclass
 * {@link EventFileTruncatedError}.
 *
 * @example
 * try { for await (const e of readEvents(path)) use(e); }
 * catch (err) { if (err instanceof EventFileCorruptError) console.log(err.file, err.offset); }
 */
export class EventFileCorruptError extends TfslimError {
  override readonly name: string = 'EventFileCorruptError';
  constructor(
    /** The file read, or `<bytes>` for in-memory input. */
    readonly file: string,
    /** Byte offset of the damaged record's start. */
    readonly offset: number,
    /** What is wrong, e.g. `payload CRC mismatch`. */
    readonly reason: string,
  ) {
    super(
      'CORRUPT',
      `readEvents: expected a valid record at byte ${offset} of ${file}, got ${reason}. ` +
        `The file is damaged; records before this offset are intact (copy them out, or delete the file).`,
    );
  }
}

/**
 * The file ends inside a record: `needed` bytes from `offset` (the record's claimed length
 * plus its 16 framing bytes, or the 12 of its header when even that is cut), `available`
 * there. A writer killed mid-write, or one still writing, leaves this at the end of its
 * file; a damaged or crafted length leaves it anywhere. Every record before `offset` has
 * been read. Pass `onTruncated` to {@link readEvents} / {@link decodeEvents} to read such
 * files without this error (tailing a live file, salvaging a crashed run's).
 *
 * @example
 * try { for await (const e of readEvents(path)) use(e); }
 * catch (err) { if (err instanceof EventFileTruncatedError) resumeAt = err.offset; }
 */
export class EventFileTruncatedError extends EventFileCorruptError {
  override readonly name = 'EventFileTruncatedError';
  override readonly code: string = 'TRUNCATED';
  constructor(
    file: string,
    offset: number,
    /** Bytes the record needs from `offset`. */
    readonly needed: number,
    /** Bytes the file has from `offset`. */
    readonly available: number,
  ) {
    super(file, offset, `the file ending ${available} bytes into a record of ${needed} bytes`);
    this.message =
      `readEvents: expected a record of ${needed} bytes at byte ${offset} of ${file}, got the end of the file after ${available}. ` +
      'The file ends inside a record (a writer killed mid-write or still writing, or a damaged length); ' +
      'records before this offset were read. Pass { onTruncated } to read a live or crashed file without this error.';
  }
}

/**
 * Thrown by {@link SummaryWriter} methods called after `close()`.
 *
 * @example
 * await writer.close(); writer.scalar('loss', 1, 0); // throws SummaryWriterClosedError
 */
export class SummaryWriterClosedError extends TfslimError {
  override readonly name = 'SummaryWriterClosedError';
  constructor(method: string, file: string) {
    super(
      'WRITER_CLOSED',
      `SummaryWriter.${method}: expected an open writer, got one closed (${file}). ` +
        `Create a new SummaryWriter to keep logging.`,
    );
  }
}

/**
 * Bad arguments to a {@link SummaryWriter} method or its constructor (a non-integer step, an
 * empty tag, NaN values, an image of the wrong shape). Code `INVALID_ARGUMENT`.
 *
 * @example
 * try { writer.scalar('', 1, 0); } catch (e) { if (e instanceof SummaryArgumentError) console.error(e.message); }
 */
export class SummaryArgumentError extends codedError('INVALID_ARGUMENT') {
  override readonly name = 'SummaryArgumentError';
}
