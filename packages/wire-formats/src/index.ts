// Public surface of @tfslim/wire-formats.
export { crc32c, crc32cRange, maskCrc, unmaskCrc } from './crc32c.js';
export { fastCrc32c, crc32cImplementation, type Crc32cFn } from './crc-fast.js';
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
  type ScannedRecord,
  type RecordLabel,
} from './record.js';
export {
  readTFRecords,
  readTFRecordFile,
  type ReadTFRecordsOptions,
  type TFRecordSource,
} from './tfrecord-reader.js';
export {
  encodeTFRecords,
  writeTFRecordFile,
  type WriteTFRecordsOptions,
} from './tfrecord-writer.js';
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
export { readVarint, pushVarint, decodeFields, type ProtoField } from './proto-fields.js';
export {
  halfToFloat,
  floatToHalf,
  bfloat16ToFloat,
  floatToBfloat16,
  halvesToFloat32,
  bfloat16sToFloat32,
} from './half.js';
export {
  decodeExample,
  encodeExample,
  type Example,
  type ExampleFeature,
  type ExampleFeatureInput,
} from './example.js';
export {
  ProtoDecodeError,
  TFRecordCorruptError,
  ExampleError,
  type TFRecordErrorCode,
  WireFormatArgumentError,
} from './errors.js';
