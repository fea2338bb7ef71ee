// What every reader in this package offers: list, test, and read tensors by name.

import type * as tf from '@tensorflow/tfjs-core';
import type { RawTensor, TfDtype } from './dtypes.js';

/**
 * One tensor of a checkpoint as listed: its key, dtype and shape. `dtype` is
 * `'unsupported'` for TensorFlow dtypes this package cannot decode (`tfDtype` names them).
 *
 * @example
 * // { name: 'vgg_16/fc8/biases', dtype: 'float32', tfDtype: 'DT_FLOAT', shape: [1000] }
 */
export interface VariableInfo {
  name: string;
  dtype: TfDtype | 'unsupported';
  /** The file's own dtype name: `DT_FLOAT`, `F32` (safetensors), `float32` (tfjs). */
  tfDtype: string;
  shape: number[];
}

/**
 * A readable set of named tensors: a TensorFlow checkpoint, a safetensors file, or tfjs
 * weights. `restore` takes any of them.
 *
 * @example
 * const src = await openTensorSource('/ckpt/model.ckpt-1000');
 * for (const v of src.listVariables()) console.log(v.name, v.dtype, v.shape);
 */
export interface TensorSource {
  /** The path it was opened from (the checkpoint prefix for bundles). */
  readonly path: string;
  /** Every tensor, sorted by name. */
  listVariables(): VariableInfo[];
  has(name: string): boolean;
  /** The tensor's values as stored (see RawTensor), CRC-checked where the format has CRCs. */
  getRaw(name: string): Promise<RawTensor>;
  /**
   * The tensor as tfjs holds it: float64/float16/bfloat16 become float32; int64, uint32,
   * uint64 become int32 (an error if a value does not fit); smaller ints become int32;
   * strings stay bytes in a string tensor. The caller disposes it.
   */
  getTensor(name: string): Promise<tf.Tensor>;
}
