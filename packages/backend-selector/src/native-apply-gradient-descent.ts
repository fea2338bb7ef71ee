// ApplyGradientDescent on tfjs-node: `variable - alpha * delta`, updated IN PLACE through a
// TensorFlow resource variable (what Keras' SGD does), where tfjs would allocate two new tensors
// as large as the weight (VGG16's fc6: 411 MB each) on every step.
import type * as tf from '@tensorflow/tfjs-core';
import {
  boolAttr,
  floatAttr,
  type NativeBackend,
  type NativeBinding,
  type OpAttr,
} from './native-backend.js';

/**
 * Name of the optional kernel `{ variable, delta }, { alpha } -> variable - alpha * delta` (TF's
 * ResourceApplyGradientDescent). Callers (`applyGradientDescent` in `@tfslim/variables`) always
 * `variable.assign(output)`: the output may be the variable's own data, updated in place.
 */
export const APPLY_GRADIENT_DESCENT = 'ApplyGradientDescent';

/** A TF resource variable holding one tfjs dataId's buffer, and the handle last read from it. */
interface Resource {
  handle: number;
  read: number;
}

interface BackendState {
  /** By tfjs dataId; an entry lives exactly as long as its data (see destroyWithData). */
  resources: Map<object, Resource>;
  /** The last alpha as a TF scalar handle (learning rates change rarely; one is kept). */
  alpha?: { value: number; id: number };
}

const states = new WeakMap<NativeBackend, BackendState>();
let resourceNames = 0;

function stateOf(backend: NativeBackend): BackendState {
  let state = states.get(backend);
  if (state === undefined) {
    state = { resources: new Map() };
    states.set(backend, state);
    destroyWithData(backend, state);
  }
  return state;
}

/**
 * Wraps this backend instance's disposeData once: a resource keeps its buffer alive, so when the
 * tfjs data goes (the variable disposed, or assigned another tensor) its resource must go too.
 */
function destroyWithData(backend: NativeBackend, state: BackendState): void {
  const disposeData = backend.disposeData.bind(backend);
  backend.disposeData = (dataId: object, force?: boolean): boolean => {
    const released = disposeData(dataId, force);
    const resource = released ? state.resources.get(dataId) : undefined;
    if (resource !== undefined) {
      state.resources.delete(dataId);
      destroyResource(backend.binding, resource.handle);
    }
    return released;
  };
}

function createResource(binding: NativeBinding, shape: number[]): number {
  const attrs: OpAttr[] = [
    floatAttr(binding, 'dtype'),
    { name: 'shape', type: binding.TF_ATTR_SHAPE, value: shape },
    { name: 'container', type: binding.TF_ATTR_STRING, value: '' },
    { name: 'shared_name', type: binding.TF_ATTR_STRING, value: `tfslim_sgd_${++resourceNames}` },
  ];
  return binding.executeOp('VarHandleOp', attrs, [], 1)[0]!.id;
}

function destroyResource(binding: NativeBinding, handle: number): void {
  binding.executeOp(
    'DestroyResourceOp',
    [boolAttr(binding, 'ignore_lookup_error', true)],
    [handle],
    0,
  );
  binding.deleteTensor(handle);
}

/** Copies a value into the resource (once per tfjs data, or after the data got a new handle). */
function assignResource(binding: NativeBinding, handle: number, valueId: number): void {
  const attrs = [floatAttr(binding, 'dtype'), boolAttr(binding, 'validate_shape', false)];
  binding.executeOp('AssignVariableOp', attrs, [handle, valueId], 0);
}

function readResource(binding: NativeBinding, handle: number): number {
  return binding.executeOp('ReadVariableOp', [floatAttr(binding, 'dtype')], [handle], 1)[0]!.id;
}

function alphaHandle(backend: NativeBackend, state: BackendState, alpha: number): number {
  if (state.alpha?.value === alpha) return state.alpha.id;
  if (state.alpha !== undefined) backend.binding.deleteTensor(state.alpha.id);
  const id = backend.binding.createTensor([], backend.binding.TF_FLOAT, Float32Array.of(alpha));
  state.alpha = { value: alpha, id };
  return id;
}

/**
 * var -= alpha * delta in the resource holding the variable's buffer. Our read handle is deleted
 * first, so the resource holds the buffer's only reference and TF updates it in place; a TF-level
 * alias (a full slice, a reshape) still holds one, and TF then copies (copy-on-write).
 */
function applyInPlace(
  backend: NativeBackend,
  state: BackendState,
  variable: tf.TensorInfo,
  delta: tf.TensorInfo,
  alpha: number,
): tf.TensorInfo {
  const binding = backend.binding;
  const [valueId, deltaId] = backend.getInputTensorIds([variable, delta]) as [number, number];
  const alphaId = alphaHandle(backend, state, alpha);
  let resource = state.resources.get(variable.dataId);
  if (resource === undefined) {
    resource = { handle: createResource(binding, variable.shape), read: -1 };
    state.resources.set(variable.dataId, resource);
  }
  if (resource.read !== valueId) assignResource(binding, resource.handle, valueId);
  const info = backend.tensorMap.get(variable.dataId)!;
  binding.deleteTensor(valueId);
  try {
    const attrs = [floatAttr(binding, 'T'), boolAttr(binding, 'use_locking', false)];
    binding.executeOp(
      'ResourceApplyGradientDescent',
      attrs,
      [resource.handle, alphaId, deltaId],
      0,
    );
  } finally {
    // Even when the update failed, the data reads the resource again (it holds the value).
    resource.read = readResource(binding, resource.handle);
    info.id = resource.read;
  }
  backend.incRef(variable.dataId);
  return { dataId: variable.dataId, shape: variable.shape, dtype: variable.dtype };
}

/** A new tensor `variable - delta * alpha` (TF's Sub(var, Mul(delta, alpha)), the same bits). */
function applyToCopy(
  backend: NativeBackend,
  state: BackendState,
  variable: tf.TensorInfo,
  delta: tf.TensorInfo,
  alpha: number,
): tf.Tensor {
  const binding = backend.binding;
  const [valueId, deltaId] = backend.getInputTensorIds([variable, delta]) as [number, number];
  const t = [floatAttr(binding, 'T')];
  const scaled = binding.executeOp('Mul', t, [deltaId, alphaHandle(backend, state, alpha)], 1)[0]!;
  try {
    return backend.createOutputTensor(binding.executeOp('Sub', t, [valueId, scaled.id], 1)[0]!);
  } finally {
    binding.deleteTensor(scaled.id);
  }
}

function applyGradientDescent({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { variable, delta } = inputs as { variable: tf.TensorInfo; delta: tf.TensorInfo };
  const alpha = (attrs as { alpha: number }).alpha;
  const native = backend as NativeBackend;
  const sameShape =
    variable.shape.length === delta.shape.length &&
    variable.shape.every((d, i) => d === delta.shape[i]);
  if (variable.dtype !== 'float32' || delta.dtype !== 'float32' || !sameShape) {
    // eslint-disable-next-line no-restricted-syntax -- internal: applyGradientDescent (@tfslim/variables) checks dtypes and shapes first
    throw new Error(
      `${APPLY_GRADIENT_DESCENT}: expected float32 variable and delta of one shape, got ` +
        `${variable.dtype} [${variable.shape.join(',')}] and ${delta.dtype} [${delta.shape.join(',')}].`,
    );
  }
  const state = stateOf(native);
  // In place only when no other tfjs tensor shares the data (tf.clone, the tape's saved copies
  // and tfjs-node's Identity share dataIds): they must keep the old values.
  const alone = native.refCount(variable.dataId) === 1 && delta.dataId !== variable.dataId;
  return alone
    ? applyInPlace(native, state, variable, delta, alpha)
    : applyToCopy(native, state, variable, delta, alpha);
}

export const applyGradientDescentConfig: tf.KernelConfig = {
  kernelName: APPLY_GRADIENT_DESCENT,
  backendName: 'tensorflow',
  kernelFunc: applyGradientDescent as unknown as tf.KernelFunc,
};

/** How many resource variables this backend holds (tests: none must outlive its data). */
export function liveResources(backend: object): number {
  return states.get(backend as NativeBackend)?.resources.size ?? 0;
}
