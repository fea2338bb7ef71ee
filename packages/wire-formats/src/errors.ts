// Typed errors of @tfslim/wire-formats: bytes that are not the format they claim to be.
import { codedError, TfslimError } from '@tfslim/errors';

/**
 * Bytes that are not a well-formed protobuf message (a truncated varint, a field running past
 * the message, field number 0, an unknown wire type).
 *
 * @example
 * try { decodeExample(bytes); } catch (e) { if (e instanceof ProtoDecodeError) skip(); }
 */
export class ProtoDecodeError extends codedError('BAD_PROTO') {
  override readonly name = 'ProtoDecodeError';
}

/** What is wrong with a TFRecord: see {@link TFRecordCorruptError}. */
export type TFRecordErrorCode = 'TRUNCATED' | 'LENGTH_CRC' | 'DATA_CRC' | 'DECOMPRESS';

/**
 * A TFRecord file whose framing is damaged: `TRUNCATED` (the file ends inside a record, or a
 * record claims more bytes than the file has left), `LENGTH_CRC` or `DATA_CRC` (a masked
 * CRC-32C does not match) or `DECOMPRESS` (GZIP/ZLIB data that does not inflate). Names the
 * file, the record's index and its byte offset.
 *
 * @example
 * try { for await (const r of readTFRecords(bytes)) use(r); }
 * catch (e) { if (e instanceof TFRecordCorruptError) console.log(e.file, e.recordIndex, e.code); }
 */
export class TFRecordCorruptError extends TfslimError {
  override readonly name = 'TFRecordCorruptError';
  declare readonly code: TFRecordErrorCode;
  constructor(
    /** The function that read the record, e.g. `readTFRecords`. */
    readonly fn: string,
    code: TFRecordErrorCode,
    /** The file read, or `<bytes>` for in-memory input. */
    readonly file: string,
    /** Byte offset of the damaged record's start (in the decompressed stream). */
    readonly offset: number,
    /** Index of the damaged record in its file (0-based), or -1 when unknown. */
    readonly recordIndex: number,
    /** What is wrong, e.g. `a payload CRC mismatch`. */
    readonly reason: string,
  ) {
    const where = recordIndex >= 0 ? `record ${recordIndex} (byte ${offset})` : `byte ${offset}`;
    super(
      code,
      `${fn}: expected a valid TFRecord at ${where} of ${file}, got ${reason}. ` +
        'The file is damaged or not a TFRecord file (is it compressed? pass compression: "GZIP" or "ZLIB"); records before it are intact.',
    );
  }
}

/**
 * A `tf.Example` that does not match what was asked of it (also thrown for bad arguments of the
 * encoders).
 *
 * @example
 * try { encodeExample({ x: { kind: 'int64', values: [1.5] } }); } catch (e) { e instanceof ExampleError; }
 */
export class ExampleError extends codedError('BAD_EXAMPLE') {
  override readonly name = 'ExampleError';
}

/**
 * Bad arguments to a wire-format function (an unknown TFRecord compression, a negative or
 * unsafe integer to encode). Code `INVALID_ARGUMENT`.
 *
 * @example
 * try { pushVarint([], -1); } catch (e) { e instanceof WireFormatArgumentError; } // true
 */
export class WireFormatArgumentError extends codedError('INVALID_ARGUMENT') {
  override readonly name = 'WireFormatArgumentError';
}
