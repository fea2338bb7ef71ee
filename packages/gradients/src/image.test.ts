import * as tf from '@tensorflow/tfjs-core';
import { describeGradients, uniform, type GradCase } from './gradcheck.test-helpers.js';
import { imageGradients } from './image.js';

const resizes: Array<[string, [number, number], boolean, boolean]> = [
  ['up 3x4 -> 5x7', [5, 7], false, false],
  ['down 3x4 -> 2x3', [2, 3], false, false],
  ['up with alignCorners', [5, 7], true, false],
  ['up with halfPixelCenters', [6, 5], false, true],
  ['down with halfPixelCenters', [2, 3], false, true],
  ['to 1x1 with alignCorners', [1, 1], true, false],
];

const cases: GradCase[] = [
  ...resizes.map(([label, size, alignCorners, halfPixel], i): GradCase => ({
    name: `ResizeBilinear ${label}`,
    kernel: 'ResizeBilinear',
    needs: ['ResizeBilinearGrad'],
    f: (x) => tf.image.resizeBilinear(x! as tf.Tensor4D, size, alignCorners, halfPixel),
    xs: () => [uniform([2, 3, 4, 2], 1 + i)],
  })),
  ...resizes.map(([label, size, alignCorners, halfPixel], i): GradCase => ({
    name: `ResizeNearestNeighbor ${label}`,
    kernel: 'ResizeNearestNeighbor',
    needs: ['ResizeNearestNeighborGrad'],
    f: (x) => tf.image.resizeNearestNeighbor(x! as tf.Tensor4D, size, alignCorners, halfPixel),
    xs: () => [uniform([1, 3, 4, 2], 10 + i)],
  })),
];

describeGradients('image gradients', imageGradients, cases);
