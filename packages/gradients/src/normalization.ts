// Gradients of normalization kernels (FusedBatchNorm, LRN).
import * as tf from '@tensorflow/tfjs-core';
import { GradientInputError } from './errors.js';
import { attrsAs, runKernel, savedAt, single, toFloat, unbroadcast, type GradMap } from './util.js';

/**
 * `names` as an inputsToSave list that fails with a clear message when the forward pass lacks
 * one of them. tfjs-core's engine saves `inputsToSave.map((name) => inputs[name])` while
 * recording, and cannot differentiate through an absent input anyway (its tape filter reads
 * every input's id), so this only replaces an opaque crash with the fix.
 */
function requiredInputs(names: string[], onMissing: (name: string) => Error): string[] {
  const list = [...names];
  Object.defineProperty(list, 'map', {
    value<U>(fn: (name: string, index: number, array: string[]) => U): U[] {
      return names.map((name, i) => {
        const saved = fn(name, i, list);
        if (saved == null) throw onMissing(name);
        return saved;
      });
    },
  });
  return list;
}

/** Gradient configs of normalization kernels (FusedBatchNorm, LRN). */
export const normalizationGradients: tf.GradConfig[] = [
  {
    // y = (x - mean) * r * scale + offset with r = 1 / sqrt(variance + eps); every parameter
    // broadcasts against x, so each gradient is summed back to its own shape.
    kernelName: tf.FusedBatchNorm,
    inputsToSave: requiredInputs(
      ['x', 'mean', 'variance', 'scale', 'offset'],
      (name) =>
        new GradientInputError(
          `batchNorm: expected a ${name} tensor while recording gradients, got none. ` +
            'tfjs-core cannot differentiate through an absent input; pass tf.onesLike(mean) ' +
            'as scale and tf.zerosLike(mean) as offset.',
        ),
    ),
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.FusedBatchNorm);
      const x = toFloat(savedAt(saved, 0, tf.FusedBatchNorm));
      const mean = toFloat(savedAt(saved, 1, tf.FusedBatchNorm));
      const variance = toFloat(savedAt(saved, 2, tf.FusedBatchNorm));
      const scale = toFloat(savedAt(saved, 3, tf.FusedBatchNorm));
      const offset = savedAt(saved, 4, tf.FusedBatchNorm);
      const { varianceEpsilon } = attrsAs<tf.FusedBatchNormAttrs>(attrs);
      const r = () => tf.rsqrt(tf.add(variance, varianceEpsilon));
      const gScaled = () => tf.mul(g, scale);
      return {
        x: () => unbroadcast(tf.mul(gScaled(), r()), x.shape),
        mean: () => unbroadcast(tf.neg(tf.mul(gScaled(), r())), mean.shape),
        // d r / d variance = -1/2 r^3
        variance: () =>
          unbroadcast(
            tf.mul(tf.mul(gScaled(), tf.sub(x, mean)), tf.mul(tf.pow(r(), 3), -0.5)),
            variance.shape,
          ),
        scale: () => unbroadcast(tf.mul(g, tf.mul(tf.sub(x, mean), r())), scale.shape),
        offset: () => unbroadcast(toFloat(g), offset.shape),
      };
    },
  },
  {
    kernelName: tf.LRN,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.LRN);
      const x = savedAt(saved, 0, tf.LRN);
      const y = savedAt(saved, 1, tf.LRN);
      const { depthRadius, bias, alpha, beta } = attrsAs<tf.LRNAttrs>(attrs);
      return {
        x: () => runKernel(tf.LRNGrad, { x, y, dy: g }, { depthRadius, bias, alpha, beta }),
      };
    },
  },
];
