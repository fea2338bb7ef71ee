// Gradients of matrix products (BatchMatMul, fused matmul).
import * as tf from '@tensorflow/tfjs-core';
import { attrsAs, savedAt, single, unbroadcast, type GradMap } from './util.js';

/**
 * BatchMatMul: C = op(A) op(B) with op = transpose when the flag is set. Batch dimensions may
 * broadcast (e.g. [2, 3, 4] x [4, 5]); each gradient is summed back to its input's shape.
 */
export const matmulGradients: tf.GradConfig[] = [
  {
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.BatchMatMul);
      const a = savedAt(saved, 0, tf.BatchMatMul);
      const b = savedAt(saved, 1, tf.BatchMatMul);
      const { transposeA, transposeB } = attrsAs<tf.BatchMatMulAttrs>(attrs);
      let da: () => tf.Tensor;
      let db: () => tf.Tensor;
      if (!transposeA && !transposeB) {
        // C = A B: dA = G B^T, dB = A^T G
        da = () => tf.matMul(g, b, false, true);
        db = () => tf.matMul(a, g, true, false);
      } else if (!transposeA && transposeB) {
        // C = A B^T: dA = G B, dB = G^T A
        da = () => tf.matMul(g, b, false, false);
        db = () => tf.matMul(g, a, true, false);
      } else if (transposeA && !transposeB) {
        // C = A^T B: dA = B G^T, dB = A G
        da = () => tf.matMul(b, g, false, true);
        db = () => tf.matMul(a, g, false, false);
      } else {
        // C = A^T B^T: dA = B^T G^T, dB = G^T A^T
        da = () => tf.matMul(b, g, true, true);
        db = () => tf.matMul(g, a, true, true);
      }
      return { a: () => unbroadcast(da(), a.shape), b: () => unbroadcast(db(), b.shape) };
    },
  },
];
