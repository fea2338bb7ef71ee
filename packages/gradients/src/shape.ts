// Gradients of shape kernels (reshape, transpose, slice, concat, pad, tile, ...).
import * as tf from '@tensorflow/tfjs-core';
import {
  attrsAs,
  savedAt,
  several,
  single,
  spread,
  toFloat,
  unbroadcast,
  type GradMap,
} from './util.js';

/** dx = fn(dy) for kernels that only move or copy elements and need no saved tensor. */
function moveBack(
  kernelName: string,
  fn: (g: tf.Tensor, attrs: tf.NamedAttrMap) => tf.Tensor,
): tf.GradConfig {
  return {
    kernelName,
    gradFunc: (dy, _saved, attrs): GradMap => {
      const g = single(dy, kernelName);
      return { x: () => fn(g, attrs) };
    },
  };
}

/**
 * Tile: every copy of x in the output adds to x's gradient. Axis by axis, dy is viewed as
 * [before, reps, size, after] and summed over reps (rank stays <= 4 for every backend).
 */
function untile(g: tf.Tensor, xShape: number[], reps: number[]): tf.Tensor {
  let out = toFloat(g);
  reps.forEach((r, axis) => {
    if (r === 1) return;
    const shape = out.shape;
    const size = xShape[axis] ?? 1;
    const before = shape.slice(0, axis).reduce((p, c) => p * c, 1);
    const after = shape.slice(axis + 1).reduce((p, c) => p * c, 1);
    const summed = tf.sum(tf.reshape(out, [before, r, size, after]), 1);
    const next = shape.slice();
    next[axis] = size;
    out = tf.reshape(summed, next);
  });
  return tf.reshape(out, xShape);
}

/**
 * MirrorPad: each mirrored element is a copy of an interior element, so its gradient is folded
 * back (reversed) onto the element it copies; axis by axis, since the padding is separable.
 * 'reflect' mirrors without the edge element, 'symmetric' with it.
 */
function unmirror(g: tf.Tensor, xShape: number[], paddings: Array<[number, number]>, mode: string) {
  let out = g;
  const skipEdge = mode === 'reflect' ? 1 : 0;
  paddings.forEach(([before, after], axis) => {
    if (before === 0 && after === 0) return;
    const n = xShape[axis] ?? 1;
    const shape = out.shape;
    const part = (start: number, length: number) => {
      const begin = shape.map((_, i) => (i === axis ? start : 0));
      const size = shape.map((s, i) => (i === axis ? length : s));
      return tf.slice(out, begin, size);
    };
    const placeAt = (t: tf.Tensor, start: number) =>
      tf.pad(
        t,
        shape.map((_, i): [number, number] =>
          i === axis ? [start, n - start - (t.shape[i] ?? 0)] : [0, 0],
        ),
      );
    let folded = part(before, n);
    if (before > 0) folded = tf.add(folded, placeAt(tf.reverse(part(0, before), axis), skipEdge));
    if (after > 0) {
      const right = tf.reverse(part(before + n, after), axis);
      folded = tf.add(folded, placeAt(right, n - after - skipEdge));
    }
    out = folded;
  });
  return out;
}

/**
 * StridedSlice: dy (viewed with one axis per input axis) goes back to positions
 * begin + j * stride; negative strides are first reversed to ascending order, then zeros are
 * inserted between the elements (spread) and the result padded to the input's size.
 */
function unstride(g: tf.Tensor, x: tf.Tensor, attrs: tf.StridedSliceAttrs): tf.Tensor {
  const info = tf.backend_util.slice_util.sliceInfo(
    x.shape,
    attrs.begin,
    attrs.end,
    attrs.strides,
    attrs.beginMask,
    attrs.endMask,
    attrs.ellipsisMask,
    attrs.newAxisMask,
    attrs.shrinkAxisMask,
  );
  // Elements taken per input axis (shrunk axes count 1); tfjs's finalShape drops shrunk axes
  // and adds new ones, but holds the same elements in the same order.
  const counts = x.shape.map((_, i) => {
    const s = info.strides[i] ?? 1;
    const length = (info.end[i] ?? 0) - (info.begin[i] ?? 0);
    if (length === 0 || length < 0 !== s < 0) return 0;
    return Math.ceil(length / s);
  });
  if (counts.some((n) => n === 0)) return tf.zeros(x.shape, 'float32');
  let out = tf.reshape(toFloat(g), counts);
  const negative = info.strides.map((s, i) => (s < 0 ? i : -1)).filter((i) => i >= 0);
  if (negative.length > 0) out = tf.reverse(out, negative);
  out = spread(
    out,
    info.strides.map((s) => Math.abs(s)),
  );
  const paddings = x.shape.map((size, i): [number, number] => {
    const n = counts[i] ?? 1;
    const s = info.strides[i] ?? 1;
    const b = info.begin[i] ?? 0;
    const first = s > 0 ? b : b - (n - 1) * -s;
    const last = first + (n - 1) * Math.abs(s);
    return [first, size - last - 1];
  });
  return tf.pad(out, paddings);
}

/**
 * DepthToSpace (NHWC): out[b, h * k + i, w * k + j, d] = in[b, h, w, (i * k + j) * C + d], so
 * the gradient is the inverse rearrangement of dy (space-to-depth), done at rank <= 4.
 */
function spaceToDepth(g: tf.Tensor, blockSize: number): tf.Tensor {
  const [batch = 1, height = 1, width = 1, depth = 1] = g.shape;
  const h = height / blockSize;
  const w = width / blockSize;
  const rows = tf.reshape(g, [batch * h, blockSize, w, blockSize * depth]);
  const moved = tf.transpose(rows, [0, 2, 1, 3]);
  return tf.reshape(moved, [batch, h, w, blockSize * blockSize * depth]);
}

/** Gradient configs of kernels that reshape, reorder, copy, slice or join tensors. */
export const shapeGradients: tf.GradConfig[] = [
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Reshape);
      const x = savedAt(saved, 0, tf.Reshape);
      return { x: () => tf.reshape(g, x.shape) };
    },
  },
  {
    kernelName: tf.ExpandDims,
    inputsToSave: ['input'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.ExpandDims);
      const input = savedAt(saved, 0, tf.ExpandDims);
      return { input: () => tf.reshape(g, input.shape) };
    },
  },
  moveBack(tf.Transpose, (g, attrs) =>
    tf.transpose(g, tf.backend_util.getUndoAxesPermutation(attrsAs<tf.TransposeAttrs>(attrs).perm)),
  ),
  moveBack(tf.Reverse, (g, attrs) => tf.reverse(g, attrsAs<tf.ReverseAttrs>(attrs).dims)),
  moveBack(tf.SpaceToBatchND, (g, attrs) => {
    const { blockShape, paddings } = attrsAs<tf.SpaceToBatchNDAttrs>(attrs);
    return tf.batchToSpaceND(g, blockShape, paddings);
  }),
  moveBack(tf.BatchToSpaceND, (g, attrs) => {
    const { blockShape, crops } = attrsAs<tf.BatchToSpaceNDAttrs>(attrs);
    return tf.spaceToBatchND(g, blockShape, crops);
  }),
  moveBack(tf.DepthToSpace, (g, attrs) => {
    const { blockSize, dataFormat } = attrsAs<tf.DepthToSpaceAttrs>(attrs);
    if (dataFormat !== 'NCHW') return spaceToDepth(toFloat(g), blockSize);
    const nhwc = spaceToDepth(toFloat(tf.transpose(g, [0, 2, 3, 1])), blockSize);
    return tf.transpose(nhwc, [0, 3, 1, 2]);
  }),
  {
    kernelName: tf.FlipLeftRight,
    gradFunc: (dy): GradMap => {
      const g = single(dy, tf.FlipLeftRight);
      return { image: () => tf.reverse(g, 2) };
    },
  },
  {
    kernelName: tf.StridedSlice,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.StridedSlice);
      const x = savedAt(saved, 0, tf.StridedSlice);
      return { x: () => unstride(g, x, attrsAs<tf.StridedSliceAttrs>(attrs)) };
    },
  },
  moveBack(tf.BroadcastTo, (g, attrs) =>
    unbroadcast(g, attrsAs<tf.BroadCastToAttrs>(attrs).inputShape),
  ),
  {
    kernelName: tf.PadV2,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.PadV2);
      const x = savedAt(saved, 0, tf.PadV2);
      const { paddings } = attrsAs<tf.PadV2Attrs>(attrs);
      return {
        x: () =>
          tf.slice(
            g,
            paddings.map(([before]) => before),
            x.shape,
          ),
      };
    },
  },
  {
    // tfjs-core only sliced the centre out here, dropping the mirrored copies' gradient.
    kernelName: tf.MirrorPad,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.MirrorPad);
      const x = savedAt(saved, 0, tf.MirrorPad);
      const { paddings, mode } = attrsAs<tf.MirrorPadAttrs>(attrs);
      return { x: () => unmirror(g, x.shape, paddings, mode) };
    },
  },
  {
    kernelName: tf.Slice,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.Slice);
      const x = savedAt(saved, 0, tf.Slice);
      const { begin, size } = attrsAs<tf.SliceAttrs>(attrs);
      const [starts = [], sizes = []] = tf.backend_util.slice_util.parseSliceParams(x, begin, size);
      return {
        x: () =>
          tf.pad(
            g,
            x.shape.map((n, i): [number, number] => {
              const b = starts[i] ?? 0;
              return [b, n - b - (sizes[i] ?? 0)];
            }),
          ),
      };
    },
  },
  {
    kernelName: tf.Tile,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.Tile);
      const x = savedAt(saved, 0, tf.Tile);
      const { reps } = attrsAs<tf.TileAttrs>(attrs);
      return { x: () => untile(g, x.shape, reps) };
    },
  },
  {
    // Each thunk runs in its own tidy, so each input slices its own part of dy.
    kernelName: tf.Concat,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.Concat);
      const first = savedAt(saved, 0, tf.Concat);
      const axis = tf.util.parseAxisParam(attrsAs<tf.ConcatAttrs>(attrs).axis, first.shape)[0] ?? 0;
      const grads: GradMap = {};
      let offset = 0;
      saved.forEach((t, i) => {
        const start = offset;
        offset += t.shape[axis] ?? 0;
        grads[i] = () =>
          tf.slice(
            g,
            g.shape.map((_, k) => (k === axis ? start : 0)),
            g.shape.map((n, k) => (k === axis ? (t.shape[k] ?? 0) : n)),
          );
      });
      return grads;
    },
  },
  {
    kernelName: tf.Pack,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.Pack);
      const axis = tf.util.parseAxisParam(attrsAs<tf.PackAttrs>(attrs).axis, g.shape)[0] ?? 0;
      const grads: GradMap = {};
      saved.forEach((t, i) => {
        grads[i] = () => {
          const begin = g.shape.map((_, k) => (k === axis ? i : 0));
          const size = g.shape.map((n, k) => (k === axis ? 1 : n));
          return tf.reshape(tf.slice(g, begin, size), t.shape);
        };
      });
      return grads;
    },
  },
  {
    kernelName: tf.Unpack,
    gradFunc: (dy, _saved, attrs): GradMap => {
      const gs = several(dy);
      const { axis } = attrsAs<tf.UnpackAttrs>(attrs);
      return { value: () => tf.stack(gs.map(toFloat), axis) };
    },
  },
  {
    kernelName: tf.SplitV,
    gradFunc: (dy, _saved, attrs): GradMap => {
      const gs = several(dy);
      const { axis } = attrsAs<tf.SplitVAttrs>(attrs);
      return { x: () => tf.concat(gs.map(toFloat), axis) };
    },
  },
];
