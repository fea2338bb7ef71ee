// Gradients of elementwise unary kernels (Exp, Log, Sqrt, Abs, trigonometry, Cast, ClipByValue, ...).
import * as tf from '@tensorflow/tfjs-core';
import { attrsAs, savedAt, single, toFloat, zeroGrad, type GradMap } from './util.js';

type Derivative = (g: tf.Tensor, x: tf.Tensor) => tf.Tensor;

/** dx = f(dy, x) for a one-input kernel whose gradient needs its input `x`. */
function fromInput(kernelName: string, derivative: Derivative): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, kernelName);
      const x = toFloat(savedAt(saved, 0, kernelName));
      return { x: () => derivative(g, x) };
    },
  };
}

/** dx = f(dy, y) for a one-input kernel whose gradient is cheapest from its output `y`. */
function fromOutput(kernelName: string, derivative: Derivative): tf.GradConfig {
  return {
    kernelName,
    outputsToSave: [true],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, kernelName);
      const y = toFloat(savedAt(saved, 0, kernelName));
      return { x: () => derivative(g, y) };
    },
  };
}

/** Piecewise-constant or boolean-valued kernels: zero gradient (TF has none). */
function flat(kernelName: string): tf.GradConfig {
  return {
    kernelName,
    gradFunc: (dy): GradMap => {
      const g = single(dy, kernelName);
      return { x: () => zeroGrad(g.shape) };
    },
  };
}

const oneMinusSquare = (x: tf.Tensor) => tf.sub(1, tf.square(x));

/** Gradient configs of elementwise one-input math kernels. */
export const unaryGradients: tf.GradConfig[] = [
  // sign(x); 0 at 0 like TF (tfjs-core used -1 there).
  fromInput(tf.Abs, (g, x) => tf.mul(g, tf.sign(x))),
  fromInput(tf.Acos, (g, x) => tf.neg(tf.div(g, tf.sqrt(oneMinusSquare(x))))),
  fromInput(tf.Acosh, (g, x) => tf.div(g, tf.sqrt(tf.sub(tf.square(x), 1)))),
  fromInput(tf.Asin, (g, x) => tf.div(g, tf.sqrt(oneMinusSquare(x)))),
  fromInput(tf.Asinh, (g, x) => tf.div(g, tf.sqrt(tf.add(tf.square(x), 1)))),
  fromInput(tf.Atan, (g, x) => tf.div(g, tf.add(tf.square(x), 1))),
  fromInput(tf.Atanh, (g, x) => tf.div(g, oneMinusSquare(x))),
  fromInput(tf.Cos, (g, x) => tf.neg(tf.mul(g, tf.sin(x)))),
  fromInput(tf.Cosh, (g, x) => tf.mul(g, tf.sinh(x))),
  fromInput(tf.Sin, (g, x) => tf.mul(g, tf.cos(x))),
  fromInput(tf.Sinh, (g, x) => tf.mul(g, tf.cosh(x))),
  fromInput(tf.Tan, (g, x) => tf.div(g, tf.square(tf.cos(x)))),
  // erf'(x) = 2/sqrt(pi) * exp(-x^2)
  fromInput(tf.Erf, (g, x) =>
    tf.mul(g, tf.mul(tf.exp(tf.neg(tf.square(x))), 2 / Math.sqrt(Math.PI))),
  ),
  fromOutput(tf.Exp, (g, y) => tf.mul(g, y)),
  fromOutput(tf.Expm1, (g, y) => tf.mul(g, tf.add(y, 1))),
  fromInput(tf.Log, (g, x) => tf.div(g, x)),
  fromInput(tf.Log1p, (g, x) => tf.div(g, tf.add(x, 1))),
  fromOutput(tf.Reciprocal, (g, y) => tf.neg(tf.mul(g, tf.square(y)))),
  // d(x^-1/2) = -1/2 x^-3/2 = -1/2 y^3
  fromOutput(tf.Rsqrt, (g, y) => tf.mul(g, tf.mul(tf.pow(y, 3), -0.5))),
  fromOutput(tf.Sqrt, (g, y) => tf.div(g, tf.mul(y, 2))),
  fromInput(tf.Square, (g, x) => tf.mul(g, tf.mul(x, 2))),
  {
    kernelName: tf.Neg,
    gradFunc: (dy): GradMap => {
      const g = single(dy, tf.Neg);
      return { x: () => tf.neg(g) };
    },
  },
  {
    kernelName: tf.Identity,
    gradFunc: (dy): GradMap => {
      const g = single(dy, tf.Identity);
      return { x: () => tf.cast(g, 'float32') };
    },
  },
  {
    // A cast to float32 passes the gradient through; a cast to int32 or bool is piecewise
    // constant, so its gradient is zero (TF returns none).
    kernelName: tf.Cast,
    gradFunc: (dy, _saved, attrs): GradMap => {
      const g = single(dy, tf.Cast);
      const { dtype } = attrsAs<tf.CastAttrs>(attrs);
      return { x: () => (dtype === 'float32' ? tf.clone(toFloat(g)) : zeroGrad(g.shape)) };
    },
  },
  {
    // Bounds are inclusive, as in TF.
    kernelName: tf.ClipByValue,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const g = single(dy, tf.ClipByValue);
      const x = savedAt(saved, 0, tf.ClipByValue);
      const { clipValueMin, clipValueMax } = attrsAs<tf.ClipByValueAttrs>(attrs);
      return {
        x: () => {
          const inside = tf.logicalAnd(
            tf.greaterEqual(x, clipValueMin),
            tf.lessEqual(x, clipValueMax),
          );
          return tf.mul(g, tf.cast(inside, 'float32'));
        },
      };
    },
  },
  {
    // |z| for complex z. tfjs gradients must be float32, so this is the derivative with respect
    // to the real part, re(z) / |z| (0 at z = 0): sign(x) for real-valued inputs.
    kernelName: tf.ComplexAbs,
    inputsToSave: ['x'],
    gradFunc: (dy, saved): GradMap => {
      const g = single(dy, tf.ComplexAbs);
      const x = savedAt(saved, 0, tf.ComplexAbs);
      return {
        x: () => {
          const re = tf.real(x);
          const mag = tf.abs(x);
          const nonzero = tf.greater(mag, 0);
          const ratio = tf.where(nonzero, tf.div(re, tf.where(nonzero, mag, tf.onesLike(mag))), 0);
          return tf.mul(g, ratio);
        },
      };
    },
  },
  flat(tf.Ceil),
  flat(tf.Floor),
  flat(tf.Round),
  flat(tf.Sign),
  flat(tf.Step),
  flat(tf.IsFinite),
  flat(tf.IsInf),
  flat(tf.IsNan),
  flat(tf.OnesLike),
  flat(tf.ZerosLike),
];
