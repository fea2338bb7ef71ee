// The names of @tfslim/data that are the same in Node and in browsers: everything but the image
// decoder, which index.ts (Node) and index.browser.ts (the browser's decoder) add.
export {
  Dataset,
  type MapOptions,
  type ShuffleOptions,
  type BatchOptions,
  type Batched,
} from './dataset.js';
export { tfrecordDataset, type TFRecord, type TFRecordDatasetOptions } from './tfrecord-dataset.js';
export {
  parseExample,
  fixedLen,
  varLen,
  type FeatureDtype,
  type FixedLenFeature,
  type VarLenFeature,
  type FeatureSpec,
  type ParsedFeature,
  type ParsedExample,
  type ParseExampleOptions,
  type Int64As,
} from './parse-example.js';
export { sniffImageFormat, type ImageFormat, type DecodeImageOptions } from './image-format.js';
export {
  imageFolder,
  type ImageFile,
  type ImageFolder,
  type ImageFolderOptions,
} from './image-folder.js';
export {
  vggPreprocess,
  smallestSizeAtLeast,
  VGG_MEANS,
  type VggPreprocessOptions,
} from './vgg-preprocessing.js';
export { expandFiles } from './glob.js';
export { puller, type Puller } from './pull.js';
export { seededRandom, type Rng } from './random.js';
export {
  DataError,
  SkippedErrors,
  type DataErrorCode,
  type Provenance,
  type OnErrorOptions,
} from './errors.js';
