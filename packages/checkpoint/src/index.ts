// Public surface of @tfslim/checkpoint: everything users may import is listed here.

// Slim-named API.
export { saveCheckpoint } from './save.js';
export type { SaveCheckpointOptions } from './save.js';
export { restore, assignFromCheckpointFn, RestoreError } from './restore.js';
export type { RestoreOptions, RestoreReport, ShapeMismatch, DtypeMismatch } from './restore.js';
export { mapVariableNames } from './variables-input.js';
export type { RestorableVariables, SaveableVariables, Saveable } from './variables-input.js';
export { CheckpointReader } from './checkpoint-reader.js';
export { openTensorSource } from './open.js';
export type { TensorSource, VariableInfo } from './tensor-source.js';

// The `checkpoint` state file.
export {
  latestCheckpoint,
  readCheckpointState,
  writeCheckpointState,
  parseCheckpointState,
  formatCheckpointState,
} from './checkpoint-state.js';
export type { CheckpointState, CheckpointStateOptions } from './checkpoint-state.js';

// TF2 object-based keys.
export {
  OBJECT_GRAPH_KEY,
  objectGraphKeyToPath,
  pathToObjectGraphKey,
  objectGraphPaths,
} from './object-graph.js';

// Low level: bundles of raw tensors, other formats.
export { writeBundle } from './bundle-writer.js';
export type { NamedRawTensor, WriteBundleOptions } from './bundle-writer.js';
export type { RawTensor, TfDtype, RawDataByDtype } from './dtypes.js';
export { SafetensorsReader, saveSafetensors } from './safetensors.js';
export type { SaveSafetensorsOptions } from './safetensors.js';
export { TfjsWeightsReader, saveTfjsWeights } from './tfjs-weights.js';
export type { SaveTfjsWeightsOptions } from './tfjs-weights.js';
export { crc32c, maskCrc, unmaskCrc } from './crc32c.js';
export { crc32cImplementation } from './crc-fast.js';

// Errors.
export {
  CheckpointError,
  CheckpointNotFoundError,
  CheckpointCorruptError,
  CheckpointFormatError,
  V1FormatError,
  CheckpointWriteError,
  CheckpointArgumentError,
} from './errors.js';
export type { CheckpointErrorCode } from './errors.js';
