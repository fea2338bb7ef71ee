// Gradients of matrix products (BatchMatMul, fused matmul).
import * as tf from '@tensorflow/tfjs-core';
import { attrsAs, savedAt, single, unbroadcastFresh, type GradMap } from './util.js';

/**
 * The gradients of C = op(A) op(B) (op = transpose when the flag is set) given G = dC, before
 * any batch broadcasting is summed away; each computed only when called.
 */
export function matmulInputGradients(
  g: tf.Tensor,
  a: tf.Tensor,
  b: tf.Tensor,
  transposeA: boolean,
  transposeB: boolean,
): { da: () => tf.Tensor; db: () => tf.Tensor } {
  if (!transposeA && !transposeB) {
    // C = A B: dA = G B^T, dB = A^T G
    return { da: () => tf.matMul(g, b, false, true), db: () => tf.matMul(a, g, true, false) };
  }
  if (!transposeA && transposeB) {
    // C = A B^T: dA = G B, dB = G^T A
    return { da: () => tf.matMul(g, b, false, false), db: () => tf.matMul(g, a, true, false) };
  }
  if (transposeA && !transposeB) {
    // C = A^T B: dA = B G^T, dB = A G
    return { da: () => tf.matMul(b, g, false, true), db: () => tf.matMul(a, g, false, false) };
  }
  // C = A^T B^T: dA = B^T G^T, dB = G^T A^T
  return { da: () => tf.matMul(b, g, true, true), db: () => tf.matMul(g, a, true, true) };
}

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
      const { da, db } = matmulInputGradients(g, a, b, transposeA, transposeB);
      return {
        a: () => unbroadcastFresh(da(), a.shape),
        b: () => unbroadcastFresh(db(), b.shape),
      };
    },
  },
];
