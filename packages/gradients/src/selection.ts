// Gradients of selection kernels (gather, scatter, where, top-k, one-hot, segment sums).
import * as tf from '@tensorflow/tfjs-core';
import { attrsAs, savedAt, several, single, toFloat, zeroGrad, type GradMap } from './util.js';

/**
 * Sums the rows of `data` ([k, m]) into `numSegments` rows by `ids` ([k], int32). Uses the
 * backend's UnsortedSegmentSum kernel where it has one (differentiable again), else ScatterNd,
 * which sums duplicate indices (tfjs-backend-wasm 4.22 has no UnsortedSegmentSum unless
 * fillMissingKernels added it).
 */
export function segmentSum(
  data: tf.Tensor,
  ids: tf.Tensor,
  numSegments: number,
  useKernel = tf.getKernel(tf.UnsortedSegmentSum, tf.getBackend()) != null,
): tf.Tensor {
  if (useKernel) {
    return tf.unsortedSegmentSum(data, ids as tf.Tensor1D, numSegments);
  }
  const [, m = 1] = data.shape;
  return tf.scatterND(tf.reshape(ids, [-1, 1]), data, [numSegments, m]);
}

/**
 * GatherV2 with `batchDims` leading batch axes: x = [batch..., outer..., n, inner...],
 * indices = [batch..., idx...], dy = [batch..., outer..., idx..., inner...]. Every gathered row
 * adds its dy back to row `index` of x: a segment sum over globally offset indices.
 */
function gatherGrad(
  x: tf.Tensor,
  indices: tf.Tensor,
  g: tf.Tensor,
  axis: number,
  batchDims: number,
) {
  const prod = (s: number[]) => s.reduce((p, c) => p * c, 1);
  const batch = prod(x.shape.slice(0, batchDims));
  const outer = prod(x.shape.slice(batchDims, axis));
  const n = x.shape[axis] ?? 1;
  const inner = prod(x.shape.slice(axis + 1));
  const k = indices.size / batch;
  // [batch, outer, k, inner] -> [batch, k, outer, inner] -> rows of outer*inner
  const rows = tf.reshape(
    tf.transpose(tf.reshape(toFloat(g), [batch, outer, k, inner]), [0, 2, 1, 3]),
    [batch * k, outer * inner],
  );
  let ids = tf.reshape(tf.cast(indices, 'int32'), [batch, k]);
  if (batch > 1) {
    const offsets = Array.from({ length: batch }, (_, b) => b * n);
    ids = tf.add(ids, tf.tensor(offsets, [batch, 1], 'int32'));
  }
  const summed = segmentSum(rows, tf.reshape(ids, [batch * k]), batch * n);
  // [batch * n, outer * inner] -> [batch, n, outer, inner] -> [batch, outer, n, inner]
  const back = tf.transpose(tf.reshape(summed, [batch, n, outer, inner]), [0, 2, 1, 3]);
  return tf.reshape(back, x.shape);
}

/**
 * TopK along the last axis: each selected value's gradient goes back to the position it came
 * from (a scatter of dy by the indices output).
 */
function topkGrad(g: tf.Tensor, indices: tf.Tensor, xShape: number[]): tf.Tensor {
  const n = xShape[xShape.length - 1] ?? 1;
  const k = indices.shape[indices.shape.length - 1] ?? 1;
  const rows = indices.size / Math.max(k, 1);
  const offsets = tf.tensor(
    Array.from({ length: rows }, (_, r) => r * n),
    [rows, 1],
    'int32',
  );
  const flat = tf.add(tf.reshape(tf.cast(indices, 'int32'), [rows, k]), offsets);
  const summed = tf.scatterND(tf.reshape(flat, [rows * k, 1]), tf.reshape(toFloat(g), [rows * k]), [
    rows * n,
  ]);
  return tf.reshape(summed, xShape);
}

/** Gradient configs of selection, gathering and scattering kernels. */
export const selectionGradients: tf.GradConfig[] = [
  {
    kernelName: tf.Select,
    inputsToSave: ['condition'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Select);
      const condition = savedAt(saved, 0, tf.Select);
      // A rank-1 condition selects whole rows of higher-rank t and e (TF1 semantics).
      const mask = () => {
        const shaped =
          condition.rank === 1 && g.rank > 1
            ? tf.reshape(condition, [condition.shape[0] ?? 1, ...g.shape.slice(1).map(() => 1)])
            : condition;
        return tf.cast(shaped, 'float32');
      };
      return {
        condition: () => zeroGrad(condition.shape),
        t: () => tf.mul(g, mask()),
        e: () => tf.mul(g, tf.sub(1, mask())),
      };
    },
  },
  {
    kernelName: tf.GatherV2,
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.GatherV2);
      const x = savedAt(saved, 0, tf.GatherV2);
      const indices = savedAt(saved, 1, tf.GatherV2);
      const { axis, batchDims } = attrsAs<tf.GatherV2Attrs>(attrs);
      const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0] ?? 0;
      return {
        x: () => gatherGrad(x, indices, g, parsedAxis, batchDims ?? 0),
        indices: () => zeroGrad(indices.shape),
      };
    },
  },
  {
    // Each input row goes to one segment; rows with a negative id are dropped.
    kernelName: tf.UnsortedSegmentSum,
    inputsToSave: ['segmentIds'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.UnsortedSegmentSum);
      const ids = savedAt(saved, 0, tf.UnsortedSegmentSum);
      return {
        x: () => {
          const gathered = tf.gather(toFloat(g), tf.maximum(ids, tf.scalar(0, 'int32')));
          const keep = tf.cast(tf.greaterEqual(ids, 0), 'float32');
          const shape = [ids.shape[0] ?? 1, ...gathered.shape.slice(1).map(() => 1)];
          return tf.mul(gathered, tf.reshape(keep, shape));
        },
        segmentIds: () => zeroGrad(ids.shape),
      };
    },
  },
  {
    // gatherND picks slices of params; their gradients scatter back (duplicates add up).
    kernelName: tf.GatherNd,
    inputsToSave: ['params', 'indices'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.GatherNd);
      const params = savedAt(saved, 0, tf.GatherNd);
      const indices = savedAt(saved, 1, tf.GatherNd);
      return {
        params: () => tf.scatterND(indices, toFloat(g), params.shape),
        indices: () => zeroGrad(indices.shape),
      };
    },
  },
  {
    kernelName: tf.ScatterNd,
    inputsToSave: ['indices'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.ScatterNd);
      const indices = savedAt(saved, 0, tf.ScatterNd);
      return {
        updates: () => tf.gatherND(toFloat(g), indices),
        indices: () => zeroGrad(indices.shape),
      };
    },
  },
  {
    // Overwritten positions of `tensor` get no gradient; `updates` get dy at their positions.
    kernelName: tf.TensorScatterUpdate,
    inputsToSave: ['indices', 'updates'],
    gradFunc: (dy, saved): GradMap => {
      const g = toFloat(single(dy, tf.TensorScatterUpdate));
      const indices = savedAt(saved, 0, tf.TensorScatterUpdate);
      const updates = savedAt(saved, 1, tf.TensorScatterUpdate);
      return {
        tensor: () => tf.tensorScatterUpdate(g, indices, tf.zeros(updates.shape, 'float32')),
        indices: () => zeroGrad(indices.shape),
        updates: () => tf.gatherND(g, indices),
      };
    },
  },
  {
    kernelName: tf.TopK,
    inputsToSave: ['x'],
    outputsToSave: [false, true],
    gradFunc: (dy, saved): GradMap => {
      const [dValues] = several(dy);
      const x = savedAt(saved, 0, tf.TopK);
      const indices = savedAt(saved, 1, tf.TopK);
      // tfjs passes zeros for outputs that do not reach the loss, so dValues is never missing.
      // eslint-disable-next-line no-restricted-syntax -- internal assert: tfjs always passes dy
      if (dValues == null) throw new Error('TopK gradient: expected the gradient of values.');
      return { x: () => topkGrad(dValues, indices, x.shape) };
    },
  },
  {
    kernelName: tf.OneHot,
    inputsToSave: ['indices'],
    gradFunc: (_dy, saved): GradMap => {
      const indices = savedAt(saved, 0, tf.OneHot);
      return { indices: () => zeroGrad(indices.shape) };
    },
  },
];
