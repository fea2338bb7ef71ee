// The names of @tfslim/data that are the same in Node and in browsers: everything but the image
// decoder, which index.ts (Node) and index.browser.ts (the browser's decoder) add.
export { Dataset } from './dataset.js';
export type { MapOptions, ShuffleOptions, BatchOptions, Batched } from './dataset.js';
export { tfrecordDataset } from './tfrecord-dataset.js';
export type { TFRecord, TFRecordDatasetOptions } from './tfrecord-dataset.js';
export { parseExample, fixedLen, varLen } from './parse-example.js';
export type {
  FeatureDtype,
  FixedLenFeature,
  VarLenFeature,
  FeatureSpec,
  ParsedFeature,
  ParsedExample,
  ParseExampleOptions,
  Int64As,
} from './parse-example.js';
export { sniffImageFormat } from './image-format.js';
export type { ImageFormat, DecodeImageOptions } from './image-format.js';
export { imageFolder } from './image-folder.js';
export type { ImageFile, ImageFolder, ImageFolderOptions } from './image-folder.js';
export { vggPreprocess, smallestSizeAtLeast, VGG_MEANS } from './vgg-preprocessing.js';
export type { VggPreprocessOptions } from './vgg-preprocessing.js';
export { expandFiles } from './glob.js';
export { puller } from './pull.js';
export type { Puller } from './pull.js';
export { seededRandom } from './random.js';
export type { Rng } from './random.js';
export { DataError, SkippedErrors } from './errors.js';
export type { DataErrorCode, Provenance, OnErrorOptions } from './errors.js';
