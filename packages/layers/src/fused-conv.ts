import * as tf from '@tensorflow/tfjs-core';

/** What {@link convBiasActivation} computes: relu(conv2d(x, filter) + bias) or without relu. */
export interface ConvBiasActivationConfig {
  x: tf.Tensor4D;
  filter: tf.Tensor4D;
  bias: tf.Tensor;
  strides: [number, number];
  pad: 'same' | 'valid';
  activation: 'relu' | 'linear';
}

/**
 * Whether {@link convBiasActivation} computes this conv: NHWC, no dilation (tfjs's backprop
 * kernels take none), a bias, and ReLU or no activation.
 */
export function fusesWithGradient(
  dilations: [number, number],
  hasBias: boolean,
  activation: tf.fused.Activation | undefined,
): activation is 'relu' | 'linear' {
  return (
    hasBias &&
    dilations[0] === 1 &&
    dilations[1] === 1 &&
    (activation === 'relu' || activation === 'linear')
  );
}

/**
 * conv2d + bias + ReLU as ONE op with its own gradient, in and out of a gradient tape.
 * tfjs's fused.conv2d runs unfused while a tape records (Conv2D, Add and Relu: three tape
 * nodes whose inputs and gradients all stay alive until the backward pass ends); this runs
 * the FusedConv2D kernel (tfjs-node frees its intermediates inside) and records one node that
 * saves x, filter and the output, whose gradient is TF's: dy masked where the output is 0
 * (ReluGrad), then Conv2DBackpropInput, Conv2DBackpropFilter and the bias sum (BiasAddGrad),
 * their temporaries freed before the next node.
 */
export function convBiasActivation(config: ConvBiasActivationConfig): tf.Tensor4D {
  const { strides, pad, activation } = config;
  const attrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation };
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, filter, bias] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor];
    const save = args[3] as tf.GradSaveFunc;
    const y = tf
      .engine()
      .runKernel(
        tf.FusedConv2D,
        { x, filter, bias },
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor4D;
    save([x, filter, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sf, sy] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
        return tf.tidy(() => {
          const g = dy as tf.Tensor4D;
          const dyAct =
            activation === 'relu' ? tf.mul(g, tf.cast(tf.greater(sy, 0), 'float32')) : g;
          const base = { strides, pad, dataFormat: 'NHWC' };
          const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dyAct, filter: sf }, {
            ...base,
            inputShape: sx.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor;
          const dFilter = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: sx, dy: dyAct }, {
            ...base,
            filterShape: sf.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor;
          const dBias = tf.reshape(tf.sum(dyAct, [0, 1, 2]), bias.shape);
          return [dx, dFilter, dBias];
        });
      },
    };
  });
  return op(config.x, config.filter, config.bias) as tf.Tensor4D;
}
