/**
 * Thrown by the event readers when a record's length or payload CRC does not match: the
 * file was damaged after it was written (a crash only ever truncates the last record, which
 * readers skip silently).
 *
 * @example
 * try { for await (const e of readEvents(path)) use(e); }
 * catch (err) { if (err instanceof EventFileCorruptError) console.log(err.file, err.offset); }
 */
export class EventFileCorruptError extends Error {
  override readonly name = 'EventFileCorruptError';
  constructor(
    /** The file read, or `<bytes>` for in-memory input. */
    readonly file: string,
    /** Byte offset of the damaged record's start. */
    readonly offset: number,
    /** What is wrong, e.g. `payload CRC mismatch`. */
    readonly reason: string,
  ) {
    super(
      `readEvents: expected a valid record at byte ${offset} of ${file}, got ${reason}. ` +
        `The file is damaged; records before this offset are intact (copy them out, or delete the file).`,
    );
  }
}

/**
 * Thrown by {@link SummaryWriter} methods called after `close()`.
 *
 * @example
 * await writer.close(); writer.scalar('loss', 1, 0); // throws SummaryWriterClosedError
 */
export class SummaryWriterClosedError extends Error {
  override readonly name = 'SummaryWriterClosedError';
  constructor(method: string, file: string) {
    super(
      `SummaryWriter.${method}: expected an open writer, got one closed (${file}). ` +
        `Create a new SummaryWriter to keep logging.`,
    );
  }
}
