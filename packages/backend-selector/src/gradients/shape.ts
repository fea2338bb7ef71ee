import * as tf from '@tensorflow/tfjs-core';
import { attrsAs, savedAt, several, single, toFloat, unbroadcast, type GradMap } from './util.js';

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
