// fillMissingKernels: registers the training kernels a tfjs backend lacks (wasm's, in this folder).
import * as tf from '@tensorflow/tfjs-core';
import { replaceInaccurateReductions } from './accurate-sum.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-backprop-input.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/**
 * Training kernels each backend may lack, built from that backend's own kernels.
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter, no depthwise backprops (so convnets
 * cannot train) and no UnsortedSegmentSum (the gradient of tf.gather / embeddings).
 */
const FILLERS: Readonly<Record<string, readonly tf.KernelConfig[]>> = {
  wasm: [
    conv2dBackpropFilterConfig,
    depthwiseConv2dNativeBackpropFilterConfig,
    depthwiseConv2dNativeBackpropInputConfig,
    unsortedSegmentSumConfig,
  ],
};

/**
 * Registers training kernels the given tfjs backend lacks (wasm: Conv2DBackpropFilter, the
 * depthwise backprops and UnsortedSegmentSum). Returns the names it registered; kernels
 * already registered for that backend (by tfjs, an earlier call, or a faster implementation)
 * are left alone, so it is idempotent. `selectBackend` calls it for you.
 *
 * On wasm it also REPLACES `Sum` and `Mean`: the stock ones add float32 values one by one, so
 * `tf.sum(tf.ones([20e6]))` gives 16777216. The replacements add large float32 reductions as a
 * tree of stock sums (error ~log n instead of ~n) and delegate everything else to the stock
 * kernels. They are listed in the result the first time only.
 *
 * @example
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-wasm';
 * await tf.setBackend('wasm');
 * fillMissingKernels('wasm'); // ['Conv2DBackpropFilter', ..., 'Sum', 'Mean'] the first time, [] after
 */
export function fillMissingKernels(tfBackendName: string): string[] {
  const registered: string[] = [];
  for (const config of FILLERS[tfBackendName] ?? []) {
    if (tf.getKernel(config.kernelName, tfBackendName) != null) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  if (tfBackendName === 'wasm') registered.push(...replaceInaccurateReductions());
  return registered;
}
