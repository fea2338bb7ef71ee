import * as tf from '@tensorflow/tfjs-core';
import { tapesAsOneKernel } from './fused-kernel.js';

/** What {@link fusedConv2d} computes: activation(conv2d(x, filter) + bias), NHWC. */
export interface FusedConv2dConfig {
  x: tf.Tensor4D;
  filter: tf.Tensor4D;
  /** `[outChannels]`, or undefined for none. */
  bias: tf.Tensor | undefined;
  strides: [number, number];
  pad: 'same' | 'valid';
  dilations: [number, number];
  activation: tf.fused.Activation;
}

/**
 * `activation(conv2d(x, filter) + bias)` as one `FusedConv2D` kernel, in training too.
 * tfjs-core's `tf.fused.conv2d` runs unfused while a tape records (Conv2D, Add and the
 * activation: three tape nodes whose inputs and outputs all stay alive until the backward pass
 * ends). When a gradient for `FusedConv2D` is registered (`selectBackend` registers tfslim's,
 * TF's: ReluGrad from the saved output, Conv2DBackpropInput, Conv2DBackpropFilter, BiasAddGrad)
 * the kernel runs directly and the tape records one node saving x, filter and the output;
 * otherwise, or for another activation, this is `tf.fused.conv2d`. Same kernel forward, so the
 * same numbers.
 */
export function fusedConv2d(config: FusedConv2dConfig): tf.Tensor4D {
  const { x, filter, bias, strides, pad, dilations, activation } = config;
  if (tapesAsOneKernel(tf.FusedConv2D, activation)) {
    const inputs: tf.NamedTensorMap = bias === undefined ? { x, filter } : { x, filter, bias };
    const attrs = { strides, pad, dataFormat: 'NHWC', dilations, activation };
    return tf.engine().runKernel(tf.FusedConv2D, inputs, attrs) as tf.Tensor4D;
  }
  const op: Parameters<typeof tf.fused.conv2d>[0] = {
    x,
    filter,
    strides,
    pad,
    dilations,
    activation,
  };
  if (bias) op.bias = bias;
  return tf.fused.conv2d(op) as tf.Tensor4D;
}
