import * as tf from '@tensorflow/tfjs-core';
import { GradientInputError } from './errors.js';
import { matmulInputGradients } from './matmul.js';
import { reluGrad } from './relu-grad.js';
import { attrsAs, savedAt, single, unbroadcastFresh, type GradMap } from './util.js';

const KERNEL = tf._FusedMatMul;

/** Activations whose derivative the output alone gives (as TF's ReluGrad, EluGrad, SigmoidGrad). */
const FROM_OUTPUT = ['linear', 'relu', 'relu6', 'elu', 'sigmoid'] as const;

/** dy through the activation, from its output y (y > 0 exactly where the input was > 0). */
function throughActivation(dy: tf.Tensor, y: tf.Tensor, activation: string): tf.Tensor {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return reluGrad(dy, y);
    case 'relu6':
      return tf.mul(dy, tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 6)), 'float32'));
    case 'elu':
      return tf.where(tf.greater(y, 0), dy, tf.mul(dy, tf.add(y, 1)));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
  }
  throw new GradientInputError(
    `${KERNEL} gradient: expected activation one of ${FROM_OUTPUT.join(', ')}, got '${activation}'. ` +
      'Apply that activation as its own op after tf.matMul.',
  );
}

/**
 * _FusedMatMul: y = activation(op(A) op(B) + bias). Lets a layer run its forward pass as ONE
 * kernel under the tape (tfjs-core's `tf.fused.matMul` unfuses itself there). The upstream
 * gradient goes through the activation once (from the saved output), then as BatchMatMul's
 * (TF's MatMul gradients) and BiasAdd's (a sum over the batch axes). Each input's gradient is
 * computed only when asked for (no gradient for the data fed into a first layer). The bias, when
 * given, is a vector over the last axis (`[n]`, as `fullyConnected` adds it).
 */
export const fusedMatmulGradients: tf.GradConfig[] = [
  {
    kernelName: KERNEL,
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs): GradMap => {
      const a = savedAt(saved, 0, KERNEL);
      const b = savedAt(saved, 1, KERNEL);
      const y = savedAt(saved, 2, KERNEL);
      const { transposeA, transposeB, activation } = attrsAs<tf._FusedMatMulAttrs>(attrs);
      // Computed here, not in a thunk: tfjs runs each thunk in its own tidy.
      const g = throughActivation(single(dy, KERNEL), y, activation ?? 'linear');
      const { da, db } = matmulInputGradients(g, a, b, transposeA, transposeB);
      // The bias is not saved (it may be absent): a [n] bias over y's last axis, as layers add.
      const batchAxes = g.shape.slice(0, -1).map((_, i) => i);
      return {
        a: () => unbroadcastFresh(da(), a.shape),
        b: () => unbroadcastFresh(db(), b.shape),
        bias: () => tf.sum(g, batchAxes),
      };
    },
  },
];
