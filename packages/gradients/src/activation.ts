// Gradients of activation kernels (Relu, Elu, Selu, Sigmoid, Softmax, Prelu, ...).
import * as tf from '@tensorflow/tfjs-core';
import { reluGrad } from './relu-grad.js';
import { attrsAs, savedAt, single, toFloat, unbroadcastFresh, type GradMap } from './util.js';

const { SELU_SCALE, SELU_SCALEALPHA } = tf.backend_util;

/** dy where `mask` holds, else 0. */
function masked(g: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.mul(g, tf.cast(mask, 'float32'));
}

/** Gradient configs of activation kernels (Relu family, Sigmoid, Tanh, Softmax, ...). */
export const activationGradients: tf.GradConfig[] = [
  // Relu and Relu6 save their output, as TF's ReluGrad / Relu6Grad read it: y > 0 exactly
  // where x > 0 (and y < 6 where x < 6), and the next layer holds y anyway, so the tape does
  // not keep each pre-activation tensor (a conv's output) alive until the backward pass.
  {
    // 0 at x = 0, as in TF.
    kernelName: tf.Relu,
    outputsToSave: [true],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Relu);
      const y = savedAt(saved, 0, tf.Relu);
      return { x: () => reluGrad(g, y) };
    },
  },
  {
    // Passes where 0 < x < 6, as in TF.
    kernelName: tf.Relu6,
    outputsToSave: [true],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Relu6);
      const y = savedAt(saved, 0, tf.Relu6);
      return { x: () => masked(g, tf.logicalAnd(tf.greater(y, 0), tf.less(y, 6))) };
    },
  },
  {
    // elu'(x) = 1 for x > 0, else exp(x) = y + 1.
    kernelName: tf.Elu,
    outputsToSave: [true],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Elu);
      const y = toFloat(savedAt(saved, 0, tf.Elu));
      return { x: () => tf.where(tf.greater(y, 0), g, tf.mul(g, tf.add(y, 1))) };
    },
  },
  {
    kernelName: tf.LeakyRelu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.LeakyRelu);
      const x = savedAt(saved, 0, tf.LeakyRelu);
      const { alpha } = attrsAs<tf.LeakyReluAttrs>(attrs);
      return { x: () => tf.where(tf.greater(x, 0), g, tf.mul(g, alpha)) };
    },
  },
  {
    // alpha broadcasts against x; its gradient is reduced back to alpha's shape.
    kernelName: tf.Prelu,
    inputsToSave: ['x', 'alpha'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Prelu);
      const x = toFloat(savedAt(saved, 0, tf.Prelu));
      const alpha = toFloat(savedAt(saved, 1, tf.Prelu));
      const positive = () => tf.greater(x, 0);
      return {
        x: () => unbroadcastFresh(tf.where(positive(), g, tf.mul(g, alpha)), x.shape),
        alpha: () => unbroadcastFresh(tf.where(positive(), 0, tf.mul(g, x)), alpha.shape),
      };
    },
  },
  {
    kernelName: tf.Selu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Selu);
      const x = toFloat(savedAt(saved, 0, tf.Selu));
      return {
        x: () =>
          tf.where(
            tf.greater(x, 0),
            tf.mul(g, SELU_SCALE),
            tf.mul(g, tf.mul(tf.exp(x), SELU_SCALEALPHA)),
          ),
      };
    },
  },
  {
    kernelName: tf.Sigmoid,
    outputsToSave: [true],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Sigmoid);
      const y = toFloat(savedAt(saved, 0, tf.Sigmoid));
      return { x: () => tf.mul(g, tf.mul(y, tf.sub(1, y))) };
    },
  },
  {
    kernelName: tf.Tanh,
    outputsToSave: [true],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Tanh);
      const y = toFloat(savedAt(saved, 0, tf.Tanh));
      return { x: () => tf.mul(g, tf.sub(1, tf.square(y))) };
    },
  },
  {
    kernelName: tf.Softplus,
    inputsToSave: ['x'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Softplus);
      const x = toFloat(savedAt(saved, 0, tf.Softplus));
      return { x: () => tf.mul(g, tf.sigmoid(x)) };
    },
  },
  {
    // dx = y * (dy - sum(dy * y, dim))
    kernelName: tf.Softmax,
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.Softmax);
      const y = savedAt(saved, 0, tf.Softmax);
      const { dim } = attrsAs<tf.SoftmaxAttrs>(attrs);
      return { logits: () => tf.mul(y, tf.sub(g, tf.sum(tf.mul(g, y), dim, true))) };
    },
  },
  {
    // dx = dy - exp(y) * sum(dy, axis)
    kernelName: tf.LogSoftmax,
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.LogSoftmax);
      const y = savedAt(saved, 0, tf.LogSoftmax);
      const { axis } = attrsAs<tf.LogSoftmaxAttrs>(attrs);
      return { logits: () => tf.sub(g, tf.mul(tf.exp(y), tf.sum(g, axis, true))) };
    },
  },
];
