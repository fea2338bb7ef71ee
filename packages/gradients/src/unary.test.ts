import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './backends.test-helpers.js';
import { describeGradients, uniform, type GradCase } from './gradcheck.test-helpers.js';
import { unaryGradients } from './unary.js';

const t = (values: number[], shape: number[]) => tf.tensor(values, shape, 'float32');

/** A smooth one-input case on a [2, 3] input drawn from [lo, hi) with |x| >= gap. */
function smooth(
  kernel: string,
  op: (x: tf.Tensor) => tf.Tensor,
  seed: number,
  lo = -1,
  hi = 1,
  gap = 0,
): GradCase {
  return {
    name: `${kernel} on [${lo}, ${hi})`,
    kernel,
    f: (x) => op(x!),
    xs: () => [uniform([2, 3], seed, lo, hi, gap)],
  };
}

// Values away from integers and half-integers: piecewise-constant ops have zero derivative there.
const offGrid = () => [t([0.3, -1.3, 2.2, -0.15, 0.7, 1.8], [2, 3])];

/** A zero-gradient case: `op` must run `kernel`; both gradients are 0 (x is off the grid). */
function flat(kernel: string, op: (x: tf.Tensor) => tf.Tensor): GradCase {
  return { name: `${kernel} (zero gradient)`, kernel, f: (x) => op(x!), xs: offGrid };
}

const cases: GradCase[] = [
  smooth('Abs', tf.abs, 1, -1, 1, 0.1),
  smooth('Acos', tf.acos, 2, -0.8, 0.8),
  smooth('Acosh', tf.acosh, 3, 1.2, 2.5),
  smooth('Asin', tf.asin, 4, -0.8, 0.8),
  smooth('Asinh', tf.asinh, 5, -2, 2),
  smooth('Atan', tf.atan, 6, -2, 2),
  smooth('Atanh', tf.atanh, 7, -0.8, 0.8),
  smooth('Cos', tf.cos, 8, -3, 3),
  smooth('Cosh', tf.cosh, 9, -2, 2),
  smooth('Sin', tf.sin, 10, -3, 3),
  smooth('Sinh', tf.sinh, 11, -2, 2),
  smooth('Tan', tf.tan, 12, -1, 1),
  smooth('Erf', tf.erf, 13, -1.5, 1.5),
  smooth('Exp', tf.exp, 14, -2, 2),
  smooth('Expm1', tf.expm1, 15, -2, 2),
  smooth('Log', tf.log, 16, 0.5, 2),
  smooth('Log1p', tf.log1p, 17, -0.5, 1),
  smooth('Reciprocal', tf.reciprocal, 18, -2, 2, 0.5),
  smooth('Rsqrt', tf.rsqrt, 19, 0.5, 2),
  smooth('Sqrt', tf.sqrt, 20, 0.5, 2),
  smooth('Square', tf.square, 21, -2, 2),
  smooth('Neg', tf.neg, 22),
  smooth('Identity', (x) => tf.clone(x), 23),
  smooth('Cast', (x) => tf.cast(x, 'float32'), 24),
  {
    name: 'Cast to int32 and back (zero gradient)',
    kernel: 'Cast',
    f: (x) => tf.cast(tf.cast(x!, 'int32'), 'float32'),
    xs: offGrid,
  },
  {
    name: 'ClipByValue inside and outside [-0.5, 0.5]',
    kernel: 'ClipByValue',
    f: (x) => tf.clipByValue(x!, -0.5, 0.5),
    xs: () => [t([-0.9, -0.3, 0.1, 0.45, 0.7, -0.55], [2, 3])],
  },
  flat('Ceil', tf.ceil),
  flat('Floor', tf.floor),
  flat('Round', tf.round),
  flat('Sign', tf.sign),
  flat('Step', (x) => tf.step(x)),
  flat('IsFinite', (x) => tf.isFinite(x)),
  flat('IsInf', (x) => tf.isInf(x)),
  flat('IsNan', (x) => tf.isNaN(x)),
  {
    name: 'OnesLike (zero gradient) times x',
    kernel: 'OnesLike',
    f: (x) => tf.mul(tf.onesLike(x!), x!),
    xs: offGrid,
  },
  {
    name: 'ZerosLike (zero gradient) plus x',
    kernel: 'ZerosLike',
    f: (x) => tf.add(tf.zerosLike(x!), x!),
    xs: offGrid,
  },
  {
    name: 'ComplexAbs',
    kernel: 'ComplexAbs',
    f: (x) => x!,
    xs: offGrid,
    checkedDirectly: 'tfjs has no gradient for Complex, so tf.grad cannot reach ComplexAbs',
  },
];

describeGradients('unary gradients', unaryGradients, cases, () => {
  it('gives Abs a zero gradient at 0, like TF', () => {
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.abs(x)))(t([-2, 0, 3], [3])));
    expect(Array.from(g.dataSync())).toEqual([-1, 0, 1]);
    g.dispose();
  });

  it('keeps ClipByValue bounds inclusive', () => {
    const g = tf.tidy(() =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.clipByValue(x, 0, 1)))(t([-0.5, 0, 1, 1.5], [4])),
    );
    expect(Array.from(g.dataSync())).toEqual([0, 1, 1, 0]);
    g.dispose();
  });
});

describe('ComplexAbs gradient (direct, on cpu)', () => {
  it('is re(z) / |z| times dy, 0 at z = 0', async () => {
    await useBackend('cpu');
    const config = unaryGradients.find((c) => c.kernelName === 'ComplexAbs')!;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const z = tf.complex(t([3, 0, -1], [3]), t([4, 0, 1], [3]));
      const dy = t([2, 5, 1], [3]);
      const dx = config.gradFunc(dy, [z], {})['x']!();
      const expected = [(2 * 3) / 5, 0, -1 / Math.SQRT2];
      Array.from(dx.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
      expect(dx.dtype).toBe('float32');
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
