// Gradients of elementwise arithmetic kernels (Add, Sub, Multiply, RealDiv, Pow, Maximum, ...).
import * as tf from '@tensorflow/tfjs-core';
import {
  savedAt,
  single,
  toFloat,
  unbroadcast,
  unbroadcastFresh,
  zeroGrad,
  type GradMap,
} from './util.js';

// Broadcasting binary ops: each input's gradient is the elementwise partial derivative times dy,
// summed back over the axes broadcasting stretched (unbroadcast).

type Comparison = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** Maximum / Minimum: dy goes to `a` where `toA(a, b)` holds and to `b` where `toB(a, b)` does. */
function pickGradient(kernelName: string, toA: Comparison, toB: Comparison): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, kernelName);
      const a = savedAt(saved, 0, kernelName);
      const b = savedAt(saved, 1, kernelName);
      const routed = (mask: tf.Tensor, shape: number[]) =>
        unbroadcastFresh(tf.mul(g, tf.cast(mask, 'float32')), shape);
      return { a: () => routed(toA(a, b), a.shape), b: () => routed(toB(a, b), b.shape) };
    },
  };
}

/** Gradient configs of elementwise arithmetic kernels (Add, Sub, Multiply, RealDiv, Pow, ...). */
export const arithmeticGradients: tf.GradConfig[] = [
  {
    kernelName: tf.Add,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Add);
      const a = savedAt(saved, 0, tf.Add);
      const b = savedAt(saved, 1, tf.Add);
      return { a: () => unbroadcast(g, a.shape), b: () => unbroadcast(g, b.shape) };
    },
  },
  {
    kernelName: tf.AddN,
    saveAllInputs: true,
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.AddN);
      const grads: GradMap = {};
      saved.forEach((_, i) => {
        grads[i] = () => tf.clone(g);
      });
      return grads;
    },
  },
  {
    kernelName: tf.Sub,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Sub);
      const a = savedAt(saved, 0, tf.Sub);
      const b = savedAt(saved, 1, tf.Sub);
      return { a: () => unbroadcast(g, a.shape), b: () => tf.neg(unbroadcast(g, b.shape)) };
    },
  },
  {
    kernelName: tf.Multiply,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Multiply);
      const a = savedAt(saved, 0, tf.Multiply);
      const b = savedAt(saved, 1, tf.Multiply);
      return {
        a: () => unbroadcastFresh(tf.mul(g, toFloat(b)), a.shape),
        b: () => unbroadcastFresh(tf.mul(g, toFloat(a)), b.shape),
      };
    },
  },
  {
    kernelName: tf.RealDiv,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.RealDiv);
      const a = toFloat(savedAt(saved, 0, tf.RealDiv));
      const b = toFloat(savedAt(saved, 1, tf.RealDiv));
      return {
        a: () => unbroadcastFresh(tf.div(g, b), a.shape),
        // d(a/b)/db = -a / b^2
        b: () => unbroadcastFresh(tf.neg(tf.div(tf.mul(g, a), tf.square(b))), b.shape),
      };
    },
  },
  {
    // floor(a / b) is piecewise constant: its derivative is zero wherever it exists (TF returns
    // no gradient). tfjs-core used RealDiv's gradient here; we return the true derivative.
    kernelName: tf.FloorDiv,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy, saved): GradMap => {
      const a = savedAt(saved, 0, tf.FloorDiv);
      const b = savedAt(saved, 1, tf.FloorDiv);
      return { a: () => zeroGrad(a.shape), b: () => zeroGrad(b.shape) };
    },
  },
  {
    // mod(a, b) = a - floor(a / b) * b
    kernelName: tf.Mod,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Mod);
      const a = toFloat(savedAt(saved, 0, tf.Mod));
      const b = toFloat(savedAt(saved, 1, tf.Mod));
      return {
        a: () => unbroadcast(g, a.shape),
        b: () => unbroadcastFresh(tf.mul(g, tf.neg(tf.floor(tf.div(a, b)))), b.shape),
      };
    },
  },
  // Ties go to `a`, as in TF.
  pickGradient(tf.Maximum, tf.greaterEqual, tf.less),
  pickGradient(tf.Minimum, tf.lessEqual, tf.greater),
  {
    kernelName: tf.SquaredDifference,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.SquaredDifference);
      const a = toFloat(savedAt(saved, 0, tf.SquaredDifference));
      const b = toFloat(savedAt(saved, 1, tf.SquaredDifference));
      const twice = () => tf.mul(g, tf.mul(tf.sub(a, b), 2));
      return {
        a: () => unbroadcastFresh(twice(), a.shape),
        b: () => unbroadcastFresh(tf.neg(twice()), b.shape),
      };
    },
  },
  {
    kernelName: tf.Pow,
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Pow);
      const a = toFloat(savedAt(saved, 0, tf.Pow));
      const b = toFloat(savedAt(saved, 1, tf.Pow));
      const y = toFloat(savedAt(saved, 2, tf.Pow));
      return {
        // d(a^b)/da = b * a^(b-1)
        a: () => unbroadcastFresh(tf.mul(g, tf.mul(b, tf.pow(a, tf.sub(b, 1)))), a.shape),
        // d(a^b)/db = a^b * ln(a), taken as 0 where a <= 0 (as TF does)
        b: () => {
          const positive = tf.greater(a, 0);
          const logA = tf.where(positive, tf.log(tf.where(positive, a, tf.onesLike(a))), 0);
          return unbroadcastFresh(tf.mul(g, tf.mul(y, logA)), b.shape);
        },
      };
    },
  },
  {
    // atan2(a, b): d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2)
    kernelName: tf.Atan2,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.Atan2);
      const a = toFloat(savedAt(saved, 0, tf.Atan2));
      const b = toFloat(savedAt(saved, 1, tf.Atan2));
      const norm = () => tf.add(tf.square(a), tf.square(b));
      return {
        a: () => unbroadcastFresh(tf.div(tf.mul(g, b), norm()), a.shape),
        b: () => unbroadcastFresh(tf.neg(tf.div(tf.mul(g, a), norm())), b.shape),
      };
    },
  },
];
