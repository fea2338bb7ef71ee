// Whole event files held in memory (browser-safe: no I/O): records -> events.
import { EventFileCorruptError } from './errors.js';
import { decodeEvent, type TagPlugins } from './eventDecode.js';
import { scanRecord } from './record.js';
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

/**
 * Decodes the events of an event file's bytes (e.g. fetched in a browser). Verifies every CRC
 * (throws {@link EventFileCorruptError}) and stops cleanly at a truncated last record.
 *
 * @example
 * for (const e of decodeEvents(new Uint8Array(await res.arrayBuffer()))) console.log(e.step);
 */
export function* decodeEvents(bytes: Uint8Array, file = '<bytes>'): Generator<EventRecord> {
  const plugins: TagPlugins = new Map();
  let pos = 0;
  for (;;) {
    const r = scanRecord(bytes, pos, file);
    if (r === undefined) return;
    yield decodePayload(r.payload, plugins, file, pos);
    pos = r.next;
  }
}
