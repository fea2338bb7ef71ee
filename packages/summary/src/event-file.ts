// Whole event files held in memory (browser-safe: no I/O): records -> events.
import { EventFileCorruptError, EventFileTruncatedError } from './errors.js';
import { decodeEvent, type TagPlugins } from './event-decode.js';
import { recordBytesNeeded, scanRecord } from './record.js';
import type { EventRecord } from './types.js';

/** Decodes one record payload, reporting malformed protobuf as file corruption. */
export function decodePayload(
  payload: Uint8Array,
  plugins: TagPlugins,
  file: string,
  offset: number,
): EventRecord {
  try {
    return decodeEvent(payload, plugins, offset);
  } catch (err) {
    throw new EventFileCorruptError(
      file,
      offset,
      `a record that is not an Event (${(err as Error).message})`,
    );
  }
}

/** What the event readers do when the file ends inside a record (see {@link readEvents}). */
export type OnTruncated = (error: EventFileTruncatedError) => void;

/**
 * Decodes the events of an event file's bytes (e.g. fetched in a browser). Verifies every CRC
 * (throws {@link EventFileCorruptError}). Bytes ending inside a record throw
 * {@link EventFileTruncatedError} after the complete records, or, with `onTruncated`, call it
 * and end.
 *
 * @example
 * for (const e of decodeEvents(new Uint8Array(await res.arrayBuffer()))) console.log(e.step);
 */
export function* decodeEvents(
  bytes: Uint8Array,
  file = '<bytes>',
  options: { readonly onTruncated?: OnTruncated } = {},
): Generator<EventRecord> {
  const plugins: TagPlugins = new Map();
  let pos = 0;
  for (;;) {
    const r = scanRecord(bytes, pos, file);
    if (r === undefined) {
      if (pos === bytes.length) return;
      const needed = recordBytesNeeded(bytes, pos);
      truncatedAt(file, pos, needed, bytes.length - pos, options.onTruncated);
      return;
    }
    yield decodePayload(r.payload, plugins, file, pos);
    pos = r.next;
  }
}

/** Reports a record cut by the end of the file: to `onTruncated` when given, else thrown. */
export function truncatedAt(
  file: string,
  offset: number,
  needed: number,
  available: number,
  onTruncated: OnTruncated | undefined,
): void {
  const error = new EventFileTruncatedError(file, offset, needed, available);
  if (onTruncated === undefined) throw error;
  onTruncated(error);
}
