import * as tf from '@tensorflow/tfjs-core';
import { describeGradients, distinct, uniform, type GradCase } from './gradcheck.test-helpers.js';
import { segmentSum, selectionGradients } from './selection.js';

const int = (values: number[], shape: number[]) => tf.tensor(values, shape, 'int32');

const cases: GradCase[] = [
  {
    name: 'Select: where(condition, t, e) with both branches',
    kernel: 'Select',
    f: (t, e) => tf.where(tf.tensor([1, 0, 1, 1, 0, 0], [2, 3], 'bool'), t!, e!),
    xs: () => [uniform([2, 3], 1), uniform([2, 3], 2)],
  },
  {
    name: 'GatherV2 axis 0 with repeated indices',
    kernel: 'GatherV2',
    f: (x) => tf.gather(x!, int([2, 0, 2, 1, 2], [5]), 0),
    xs: () => [uniform([4, 3], 3)],
  },
  {
    name: 'GatherV2 axis 1 with 2-D indices',
    kernel: 'GatherV2',
    f: (x) => tf.gather(x!, int([1, 1, 0, 3], [2, 2]), 1),
    xs: () => [uniform([2, 4, 3], 4)],
  },
  {
    name: 'GatherV2 axis 1 batchDims 1',
    kernel: 'GatherV2',
    f: (x) => tf.gather(x!, int([0, 2, 2, 1, 1, 1], [2, 3]), 1, 1),
    xs: () => [uniform([2, 3, 2], 5)],
  },
  {
    name: 'UnsortedSegmentSum into 3 segments',
    kernel: 'UnsortedSegmentSum',
    f: (x) => tf.unsortedSegmentSum(x!, int([2, 0, 2, 1], [4]) as tf.Tensor1D, 3),
    xs: () => [uniform([4, 2], 6)],
  },
  {
    name: 'OneHot of cast indices (zero gradient)',
    kernel: 'OneHot',
    f: (x) => tf.oneHot(tf.cast(x!, 'int32') as tf.Tensor1D, 4),
    xs: () => [tf.tensor([0.3, 2.4, 1.6, 3.2], [4])],
  },
  {
    name: 'GatherNd of rows with a repeat',
    kernel: 'GatherNd',
    f: (x) => tf.gatherND(x!, int([2, 0, 2], [3, 1])),
    xs: () => [uniform([3, 4], 30)],
  },
  {
    name: 'GatherNd of elements',
    kernel: 'GatherNd',
    f: (x) => tf.gatherND(x!, int([0, 1, 2, 3, 1, 0], [3, 2])),
    xs: () => [uniform([3, 4], 31)],
  },
  {
    name: 'ScatterNd of rows',
    kernel: 'ScatterNd',
    f: (u) => tf.scatterND(int([3, 0], [2, 1]), u!, [5, 3]),
    xs: () => [uniform([2, 3], 32)],
  },
  {
    name: 'TensorScatterUpdate of rows',
    kernel: 'TensorScatterUpdate',
    f: (t, u) => tf.tensorScatterUpdate(t!, int([2, 0], [2, 1]), u!),
    xs: () => [uniform([4, 3], 33), uniform([2, 3], 34)],
  },
  {
    name: 'TopK k=2 of [3,5] (no ties)',
    kernel: 'TopK',
    f: (x) => tf.topk(x!, 2).values,
    xs: () => [distinct([3, 5], 35)],
    options: { eps: 5e-3 },
  },
];

describeGradients('selection gradients', selectionGradients, cases, () => {
  it.each([true, false])(
    'sums rows into segments with useKernel=%s (UnsortedSegmentSum or ScatterNd)',
    (useKernel) => {
      tf.tidy(() => {
        // fillMissingKernels (as selectBackend runs it) gives every backend UnsortedSegmentSum.
        if (useKernel) expect(tf.getKernel('UnsortedSegmentSum', tf.getBackend())).toBeDefined();
        const data = tf.tensor2d([
          [1, 2],
          [3, 4],
          [5, 6],
          [7, 8],
        ]);
        const summed = segmentSum(data, int([2, 0, 2, 2], [4]), 3, useKernel);
        expect(summed.arraySync()).toEqual([
          [3, 4],
          [0, 0],
          [13, 16],
        ]);
      });
    },
  );

  it('sums the gradient of repeated gather indices (embedding lookups)', () => {
    tf.tidy(() => {
      const table = tf.ones([3, 2]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, int([1, 1, 1, 0], [4]))))(table);
      expect(Array.from(g.dataSync())).toEqual([1, 1, 3, 3, 0, 0]);
    });
  });
});
