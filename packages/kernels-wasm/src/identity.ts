// Identity (tf.clone) on wasm sharing the input's memory, as tfjs-backend-cpu's does.
import type * as tf from '@tensorflow/tfjs-core';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The part of BackendWasm this kernel uses: its reference count per data id. */
interface RefCounting {
  incRef(dataId: tf.DataId): void;
}

function isRefCounting(backend: unknown): backend is RefCounting {
  return typeof (backend as Partial<RefCounting> | null)?.incRef === 'function';
}

/**
 * tf.clone without a copy: tensors are immutable and BackendWasm reference-counts its data (its
 * own Reshape shares data the same way), so a clone can point at the same memory. tfjs-core's
 * engine clones every tensor a gradient saves, so the stock copy cost a kernel's worth of memory
 * traffic per saved tensor (a layer's weights included) on every training step. Strings, and a
 * backend without reference counts, go to the stock kernel (undefined).
 */
export function sharedIdentity(args: KernelArgs): tf.TensorInfo | undefined {
  const x = (args.inputs as unknown as tf.IdentityInputs).x as tf.TensorInfo;
  if (x.dtype === 'string' || !isRefCounting(args.backend)) return undefined;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
