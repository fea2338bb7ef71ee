// Public surface of @tfslim/summary: everything users may import is listed here.
export {
  SummaryWriter,
  type SummaryWriterOptions,
  type HistogramOptions,
  type ImageOptions,
} from './writer.js';
export { readEvents, listEventFiles, type ReadEventsOptions } from './read-events.js';
export { decodeEvents, type OnTruncated } from './event-file.js';
export {
  summarizeEvents,
  formatSummary,
  formatValue,
  type FileSummary,
  type TagSummary,
} from './summarize.js';
export { histogramBuckets, DEFAULT_BUCKET_COUNT, type HistogramBucket } from './histogram.js';
export { encodePng, type ZlibCompress } from './png/encode.js';
export { crc32c, maskCrc, unmaskCrc } from './crc32c.js';
export { frameRecord } from './record.js';
export {
  EventFileCorruptError,
  EventFileTruncatedError,
  SummaryWriterClosedError,
  SummaryArgumentError,
} from './errors.js';
export type { DecodedTensor } from './tensor-proto.js';
export type {
  EventRecord,
  ImageValue,
  NumericArray,
  PixelData,
  SummaryKind,
  SummaryValue,
  TensorLike,
} from './types.js';
