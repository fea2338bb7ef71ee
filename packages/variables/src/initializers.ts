// Initializers: slim's and TF1's variable initializers.
import * as tf from '@tensorflow/tfjs-core';
import { VariableArgumentError } from './errors.js';

/**
 * Makes a variable's initial value. Called once, when the variable is created, inside
 * `tf.tidy`.
 *
 * @example
 * const init: Initializer = (shape, dtype) => tf.fill(shape, 0.5, dtype);
 */
export type Initializer = (shape: readonly number[], dtype: tf.DataType) => tf.Tensor;

function checkFinite(fn: string, what: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new VariableArgumentError(
      `${fn}: expected ${what} to be a finite number, got ${String(value)}.`,
    );
  }
  return value;
}

function checkPositive(fn: string, what: string, value: number): number {
  checkFinite(fn, what, value);
  if (value <= 0) throw new VariableArgumentError(`${fn}: expected ${what} > 0, got ${value}.`);
  return value;
}

/**
 * All zeros (slim's default for biases and integer variables).
 *
 * @example
 * variable('b', { shape: [10], initializer: zerosInitializer() });
 */
export function zerosInitializer(): Initializer {
  return (shape, dtype) => tf.zeros([...shape], dtype);
}

/**
 * All ones (batch norm's gamma and moving variance).
 *
 * @example
 * variable('gamma', { shape: [64], initializer: onesInitializer() });
 */
export function onesInitializer(): Initializer {
  return (shape, dtype) => tf.ones([...shape], dtype);
}

/**
 * A constant: a number fills the shape; an array (flat or nested, with as many elements as
 * the shape) gives the values in row-major order.
 *
 * @example
 * constantInitializer(0.1);             // every element 0.1
 * constantInitializer([1, 2, 3, 4]);    // for shape [2, 2]
 */
export function constantInitializer(value: number | tf.TensorLike): Initializer {
  return (shape, dtype) => {
    if (typeof value === 'number') return tf.fill([...shape], value, dtype);
    return tf.tidy(() => {
      const t = tf.tensor(value, undefined, dtype);
      const size = shape.reduce((a, b) => a * b, 1);
      if (t.size !== size) {
        throw new VariableArgumentError(
          `constantInitializer: expected ${size} values for shape [${shape.join(',')}], got ${t.size}. ` +
            'Give a number, or an array with one value per element.',
        );
      }
      return tf.reshape(t, [...shape]);
    });
  };
}

/**
 * Normal values re-drawn outside two standard deviations (TF's
 * `truncated_normal_initializer(mean=0, stddev=1)`).
 *
 * @example
 * truncatedNormalInitializer({ stddev: 0.01, seed: 1 });
 */
export function truncatedNormalInitializer(
  options: { mean?: number; stddev?: number; seed?: number } = {},
): Initializer {
  const mean = checkFinite('truncatedNormalInitializer', 'mean', options.mean ?? 0);
  const stddev = checkPositive('truncatedNormalInitializer', 'stddev', options.stddev ?? 1);
  return (shape, dtype) =>
    tf.truncatedNormal([...shape], mean, stddev, floatDtype(dtype), options.seed);
}

/**
 * Normal values (`random_normal_initializer(mean=0, stddev=1)`).
 *
 * @example
 * randomNormalInitializer({ stddev: 0.1 });
 */
export function randomNormalInitializer(
  options: { mean?: number; stddev?: number; seed?: number } = {},
): Initializer {
  const mean = checkFinite('randomNormalInitializer', 'mean', options.mean ?? 0);
  const stddev = checkPositive('randomNormalInitializer', 'stddev', options.stddev ?? 1);
  return (shape, dtype) =>
    tf.randomNormal([...shape], mean, stddev, floatDtype(dtype), options.seed);
}

/**
 * Uniform values in [minval, maxval) (`random_uniform_initializer(-0.05, 0.05)`).
 *
 * @example
 * randomUniformInitializer({ minval: -1, maxval: 1, seed: 3 });
 */
export function randomUniformInitializer(
  options: { minval?: number; maxval?: number; seed?: number } = {},
): Initializer {
  const minval = checkFinite('randomUniformInitializer', 'minval', options.minval ?? -0.05);
  const maxval = checkFinite('randomUniformInitializer', 'maxval', options.maxval ?? 0.05);
  if (!(maxval > minval)) {
    throw new VariableArgumentError(
      `randomUniformInitializer: expected maxval > minval, got minval ${minval}, maxval ${maxval}.`,
    );
  }
  return (shape, dtype) => tf.randomUniform([...shape], minval, maxval, dtype, options.seed);
}

/** Fan-in and fan-out as TF computes them: `[..., in, out]`, spatial dims multiply both. */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  const last = shape[shape.length - 1] as number;
  let fanIn = shape.length > 1 ? (shape[shape.length - 2] as number) : last;
  let fanOut = last;
  for (const dim of shape.slice(0, -2)) {
    fanIn *= dim;
    fanOut *= dim;
  }
  return { fanIn, fanOut };
}

/** Options of `varianceScalingInitializer` (slim's defaults: 2.0, FAN_IN, normal). */
export interface VarianceScalingOptions {
  factor?: number;
  mode?: 'FAN_IN' | 'FAN_OUT' | 'FAN_AVG';
  uniform?: boolean;
  seed?: number;
}

const MODES = ['FAN_IN', 'FAN_OUT', 'FAN_AVG'] as const;

/**
 * slim's `variance_scaling_initializer(factor=2.0, mode='FAN_IN', uniform=False)` (He init):
 * n = fan_in, fan_out or their mean; uniform in ±sqrt(3·factor/n), or a truncated normal
 * with stddev sqrt(1.3·factor/n).
 *
 * @example
 * varianceScalingInitializer();                                      // He normal
 * varianceScalingInitializer({ factor: 1, mode: 'FAN_AVG', uniform: true }); // = xavier
 */
export function varianceScalingInitializer(options: VarianceScalingOptions = {}): Initializer {
  const factor = checkPositive('varianceScalingInitializer', 'factor', options.factor ?? 2.0);
  const mode = options.mode ?? 'FAN_IN';
  if (!MODES.includes(mode)) {
    throw new VariableArgumentError(
      `varianceScalingInitializer: expected mode to be one of ${MODES.join(', ')}, got '${String(mode)}'.`,
    );
  }
  const uniform = options.uniform ?? false;
  return (shape, dtype) => {
    const { fanIn, fanOut } = computeFans(shape);
    const n = mode === 'FAN_IN' ? fanIn : mode === 'FAN_OUT' ? fanOut : (fanIn + fanOut) / 2;
    if (uniform) {
      const limit = Math.sqrt((3 * factor) / n);
      return tf.randomUniform([...shape], -limit, limit, floatDtype(dtype), options.seed);
    }
    const stddev = Math.sqrt((1.3 * factor) / n);
    return tf.truncatedNormal([...shape], 0, stddev, floatDtype(dtype), options.seed);
  };
}

/**
 * slim's `xavier_initializer(uniform=True)` (Glorot): uniform in ±sqrt(6/(fan_in+fan_out)),
 * or with `uniform: false` a truncated normal of stddev sqrt(1.3·2/(fan_in+fan_out)). The
 * default weights initializer of conv2d and fullyConnected.
 *
 * @example
 * xavierInitializer({ seed: 42 });
 */
export function xavierInitializer(options: { uniform?: boolean; seed?: number } = {}): Initializer {
  const o: VarianceScalingOptions = {
    factor: 1,
    mode: 'FAN_AVG',
    uniform: options.uniform ?? true,
  };
  if (options.seed !== undefined) o.seed = options.seed;
  return varianceScalingInitializer(o);
}

/**
 * Keras's name for `xavierInitializer()` (uniform).
 *
 * @example
 * glorotUniformInitializer({ seed: 1 });
 */
export function glorotUniformInitializer(options: { seed?: number } = {}): Initializer {
  return xavierInitializer({ ...options, uniform: true });
}

function floatDtype(dtype: tf.DataType): 'float32' {
  if (dtype !== 'float32') {
    throw new VariableArgumentError(
      `initializer: expected a float32 variable for a random initializer, got ${dtype}. ` +
        'Use zerosInitializer() or constantInitializer() for integer variables.',
    );
  }
  return dtype;
}
