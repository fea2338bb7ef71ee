// Public surface of @tfslim/checkpoint: everything users may import is listed here.

// Slim-named API.
export { saveCheckpoint, type SaveCheckpointOptions } from './save.js';
export {
  restore,
  assignFromCheckpointFn,
  RestoreError,
  type RestoreOptions,
  type RestoreReport,
  type ShapeMismatch,
  type DtypeMismatch,
} from './restore.js';
export {
  mapVariableNames,
  type RestorableVariables,
  type SaveableVariables,
  type Saveable,
} from './variables-input.js';
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
  type CheckpointState,
  type CheckpointStateOptions,
} from './checkpoint-state.js';

// TF2 object-based keys.
export {
  OBJECT_GRAPH_KEY,
  objectGraphKeyToPath,
  pathToObjectGraphKey,
  objectGraphPaths,
} from './object-graph.js';

// Low level: bundles of raw tensors, other formats.
export { writeBundle, type NamedRawTensor, type WriteBundleOptions } from './bundle-writer.js';
export type { RawTensor, TfDtype, RawDataByDtype } from './dtypes.js';
export { SafetensorsReader, saveSafetensors, type SaveSafetensorsOptions } from './safetensors.js';
export { TfjsWeightsReader, saveTfjsWeights, type SaveTfjsWeightsOptions } from './tfjs-weights.js';
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
  type CheckpointErrorCode,
} from './errors.js';
