// Kernels tfslim adds to tfjs-node's `tensorflow` backend: each runs one TensorFlow op where
// tfjs would run several (or allocate where TF updates in place).
import * as tf from '@tensorflow/tfjs-core';
import { applyGradientDescentConfig } from './native-apply-gradient-descent.js';
import { floatAttr, type NativeBackend } from './native-backend.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: object };

/** TF's ReluGrad(gradients = dy, features = y): dy * (y > 0), as `@tfslim/gradients` asks. */
const reluGradConfig: tf.KernelConfig = {
  kernelName: 'ReluGrad',
  backendName: 'tensorflow',
  kernelFunc: (({ inputs, backend }: KernelArgs) => {
    const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
    const native = backend as NativeBackend;
    return native.executeSingleOutput('ReluGrad', [floatAttr(native.binding, 'T')], [dy, y]);
  }) as unknown as tf.KernelFunc,
};

/** TF's L2Loss: sum(x^2) / 2 as a scalar, one read-only pass (slim's l2_regularizer uses it). */
const l2LossConfig: tf.KernelConfig = {
  kernelName: 'L2Loss',
  backendName: 'tensorflow',
  kernelFunc: (({ inputs, backend }: KernelArgs) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const native = backend as NativeBackend;
    return native.executeSingleOutput('L2Loss', [floatAttr(native.binding, 'T')], [x]);
  }) as unknown as tf.KernelFunc,
};

const NATIVE_KERNELS: readonly tf.KernelConfig[] = [
  reluGradConfig,
  l2LossConfig,
  applyGradientDescentConfig,
];

/**
 * Registers ReluGrad, L2Loss and ApplyGradientDescent (in place) on tfjs-node's `tensorflow`
 * backend; returns the names it registered (none on other backends, none the second time).
 */
export function registerNativeKernels(tfBackendName: string): string[] {
  if (tfBackendName !== 'tensorflow') return [];
  const registered: string[] = [];
  for (const config of NATIVE_KERNELS) {
    if (tf.getKernel(config.kernelName, tfBackendName) != null) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}
