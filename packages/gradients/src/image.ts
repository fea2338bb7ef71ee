// Gradients of image resizes (bilinear and nearest neighbour) as products with interpolation matrices.
import * as tf from '@tensorflow/tfjs-core';
import { attrsAs, savedAt, single, toFloat, type GradMap } from './util.js';

// A resize is linear and separable: y[b, :, :, c] = Ah x[b, :, :, c] Aw^T with one
// interpolation matrix per axis ([out, in]), so dx[b, :, :, c] = Ah^T dy[b, :, :, c] Aw.
// The matrices follow tfjs's forward kernels (alignCorners, halfPixelCenters) and the product
// runs as two matmuls on any backend. tfjs's own ResizeBilinearGrad / ResizeNearestNeighborGrad
// kernels are not used: both ignore halfPixelCenters, and the cpu ResizeBilinearGrad returns
// height and width swapped for non-square images (tfjs 4.22).

type Interpolation = (inSize: number, outSize: number, align: boolean, half: boolean) => number[][];

/** The ratio tfjs's resize kernels use between input and output coordinates. */
function ratio(inSize: number, outSize: number, alignCorners: boolean): number {
  const aligned = alignCorners && outSize > 1;
  return (aligned ? inSize - 1 : inSize) / (aligned ? outSize - 1 : outSize);
}

/** Bilinear weights: each output row mixes its two neighbouring input rows. */
const bilinear: Interpolation = (inSize, outSize, alignCorners, halfPixel) => {
  const r = ratio(inSize, outSize, alignCorners);
  return Array.from({ length: outSize }, (_, o) => {
    const row = new Array<number>(inSize).fill(0);
    const source = halfPixel ? r * (o + 0.5) - 0.5 : r * o;
    const lo = Math.max(0, Math.floor(source));
    const hi = Math.min(inSize - 1, Math.ceil(source));
    const frac = source - lo;
    row[lo] = (row[lo] ?? 0) + (1 - frac);
    row[hi] = (row[hi] ?? 0) + frac;
    return row;
  });
};

/** Nearest-neighbour weights: each output row copies one input row. */
const nearest: Interpolation = (inSize, outSize, alignCorners, halfPixel) => {
  const r = ratio(inSize, outSize, alignCorners);
  return Array.from({ length: outSize }, (_, o) => {
    const row = new Array<number>(inSize).fill(0);
    const source = halfPixel ? r * (o + 0.5) : r * o;
    let index = Math.min(inSize - 1, alignCorners ? Math.round(source) : Math.floor(source));
    if (halfPixel) index = Math.max(0, index);
    row[index] = 1;
    return row;
  });
};

/** dx = Ah^T dy Aw for NHWC `dy` and images of shape `xShape`. */
function resizeGrad(
  dy: tf.Tensor,
  xShape: number[],
  interpolation: Interpolation,
  alignCorners: boolean,
  halfPixel: boolean,
): tf.Tensor {
  const [batch = 1, inH = 1, inW = 1, channels = 1] = xShape;
  const [, outH = 1, outW = 1] = dy.shape;
  const ah = tf.tensor2d(interpolation(inH, outH, alignCorners, halfPixel), [outH, inH]);
  const aw = tf.tensor2d(interpolation(inW, outW, alignCorners, halfPixel), [outW, inW]);
  // [b, oh, ow, c] -> [b * c * oh, ow] x Aw -> [b * c, oh, iw]
  const rows = tf.reshape(tf.transpose(toFloat(dy), [0, 3, 1, 2]), [batch * channels * outH, outW]);
  const alongWidth = tf.reshape(tf.matMul(rows, aw), [batch * channels, outH, inW]);
  // Ah^T x [b * c, oh, iw] -> [b * c, ih, iw] -> [b, ih, iw, c]
  const both = tf.matMul(ah, alongWidth, true, false);
  return tf.transpose(tf.reshape(both, [batch, channels, inH, inW]), [0, 2, 3, 1]);
}

function resizeConfig(kernelName: string, interpolation: Interpolation): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['images'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, kernelName);
      const images = savedAt(saved, 0, kernelName);
      const { alignCorners, halfPixelCenters } = attrsAs<tf.ResizeBilinearAttrs>(attrs);
      return {
        images: () => resizeGrad(g, images.shape, interpolation, alignCorners, halfPixelCenters),
      };
    },
  };
}

/** Gradient configs of image resize kernels. */
export const imageGradients: tf.GradConfig[] = [
  resizeConfig(tf.ResizeBilinear, bilinear),
  resizeConfig(tf.ResizeNearestNeighbor, nearest),
];
