// Public surface of @tfslim/wire-formats.
export { crc32c, crc32cRange, maskCrc, unmaskCrc } from './crc32c.js';
export { fastCrc32c, crc32cImplementation } from './crc-fast.js';
export type { Crc32cFn } from './crc-fast.js';
export {
  RECORD_OVERHEAD,
  writeRecord,
  frameRecord,
  frameRecords,
  scanRecord,
  peekRecordLength,
  checkLengthCrc,
  checkDataCrc,
  readU32,
} from './record.js';
export type { ScannedRecord, RecordLabel } from './record.js';
export { readTFRecords, readTFRecordFile } from './tfrecord-reader.js';
export type { ReadTFRecordsOptions, TFRecordSource } from './tfrecord-reader.js';
export { encodeTFRecords, writeTFRecordFile } from './tfrecord-writer.js';
export type { WriteTFRecordsOptions } from './tfrecord-writer.js';
export type { TFRecordCompression } from './compression.js';
export { concatBytes } from './concat-bytes.js';
export { ProtoReader } from './proto-reader.js';
export {
  ProtoWriter,
  WIRE_VARINT,
  WIRE_FIXED64,
  WIRE_BYTES,
  WIRE_FIXED32,
} from './proto-writer.js';
export { readVarint, pushVarint, decodeFields } from './proto-fields.js';
export type { ProtoField } from './proto-fields.js';
export {
  halfToFloat,
  floatToHalf,
  bfloat16ToFloat,
  floatToBfloat16,
  halvesToFloat32,
  bfloat16sToFloat32,
} from './half.js';
export { decodeExample, encodeExample } from './example.js';
export type { Example, ExampleFeature, ExampleFeatureInput } from './example.js';
export { ProtoDecodeError, TFRecordCorruptError, ExampleError } from './errors.js';
export type { TFRecordErrorCode } from './errors.js';
