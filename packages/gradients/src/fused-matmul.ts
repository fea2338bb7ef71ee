import * as tf from '@tensorflow/tfjs-core';
import { activationGradient } from './fused-activation.js';
import { matmulInputGradients } from './matmul.js';
import { attrsAs, savedAt, single, unbroadcastFresh, type GradMap } from './util.js';

const KERNEL = tf._FusedMatMul;
const FIX = 'Apply that activation as its own op after tf.matMul.';

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
      const g = activationGradient(single(dy, KERNEL), y, activation ?? 'linear', KERNEL, FIX);
      const matmul = () => matmulInputGradients(g.get(), a, b, transposeA, transposeB);
      return {
        a: () => unbroadcastFresh(matmul().da(), a.shape),
        b: () => unbroadcastFresh(matmul().db(), b.shape),
        // The bias is not saved (it may be absent): a [n] bias over y's last axis, as layers add.
        bias: () => {
          const upstream = g.get();
          const dBias = tf.sum(
            upstream,
            upstream.shape.slice(0, -1).map((_, i) => i),
          );
          g.release();
          return dBias;
        },
      };
    },
  },
];
