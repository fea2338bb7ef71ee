// The parts of tfjs-node's NodeJSKernelBackend (4.x) the native kernels use, typed here because
// tfjs-node is an optional peer that this package never imports statically.
import type * as tf from '@tensorflow/tfjs-core';

/** One attribute of a TensorFlow eager op, as tfjs-node's binding takes it. */
export interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

/** What `binding.executeOp` returns for each output: a TFE tensor handle id. */
export interface OutputMetadata {
  id: number;
  shape: number[];
  dtype: number;
}

/** tfjs-node's N-API binding (the TFE eager C API). */
export interface NativeBinding {
  executeOp(
    name: string,
    attrs: OpAttr[],
    inputIds: number[],
    numOutputs: number,
  ): OutputMetadata[];
  createTensor(shape: number[], dtype: number, values: Float32Array): number;
  deleteTensor(id: number): void;
  readonly TF_FLOAT: number;
  readonly TF_ATTR_TYPE: number;
  readonly TF_ATTR_BOOL: number;
  readonly TF_ATTR_SHAPE: number;
  readonly TF_ATTR_STRING: number;
}

/** A tfjs dataId's entry in the backend's tensorMap: `id` is its TFE handle (-1 until uploaded). */
export interface NativeTensorData {
  shape: number[];
  dtype: number;
  values: unknown;
  id: number;
  refCount: number;
}

/** tfjs-node's backend instance, as a kernel receives it. */
export interface NativeBackend {
  readonly binding: NativeBinding;
  readonly tensorMap: { get(dataId: object): NativeTensorData | undefined };
  getInputTensorIds(tensors: readonly tf.TensorInfo[]): number[];
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: readonly tf.TensorInfo[]): tf.Tensor;
  createOutputTensor(metadata: OutputMetadata): tf.Tensor;
  refCount(dataId: object): number;
  incRef(dataId: object): void;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** The `T` (or `dtype`) attribute for float32, as tfjs-node's createTensorsTypeOpAttr builds it. */
export function floatAttr(binding: NativeBinding, name: string): OpAttr {
  return { name, type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT };
}

export function boolAttr(binding: NativeBinding, name: string, value: boolean): OpAttr {
  return { name, type: binding.TF_ATTR_BOOL, value };
}
