// Public surface of @tfslim/summary: everything users may import is listed here.
export { SummaryWriter } from './writer.js';
export type { SummaryWriterOptions, HistogramOptions, ImageOptions } from './writer.js';
export { readEvents, listEventFiles } from './readEvents.js';
export type { ReadEventsOptions } from './readEvents.js';
export { decodeEvents } from './eventFile.js';
export type { OnTruncated } from './eventFile.js';
export { summarizeEvents, formatSummary, formatValue } from './summarize.js';
export type { FileSummary, TagSummary } from './summarize.js';
export { histogramBuckets, DEFAULT_BUCKET_COUNT } from './histogram.js';
export type { HistogramBucket } from './histogram.js';
export { encodePng } from './png/encode.js';
export type { ZlibCompress } from './png/encode.js';
export { crc32c, maskCrc, unmaskCrc } from './crc32c.js';
export { frameRecord } from './record.js';
export {
  EventFileCorruptError,
  EventFileTruncatedError,
  SummaryWriterClosedError,
  SummaryArgumentError,
} from './errors.js';
export type { DecodedTensor } from './tensorProto.js';
export type {
  EventRecord,
  ImageValue,
  NumericArray,
  PixelData,
  SummaryKind,
  SummaryValue,
  TensorLike,
} from './types.js';
