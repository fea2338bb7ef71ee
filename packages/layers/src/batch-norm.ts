// batchNorm: slim's batch_norm, with moving averages updated through the store's update ops.
import * as tf from '@tensorflow/tfjs-core';
import {
  GraphKeys,
  addArgScope,
  modelVariable,
  onesInitializer,
  zerosInitializer,
  type Initializer,
  type Regularizer,
} from '@tfslim/variables';
import { applyActivation, checkActivation, type Activation } from './activation.js';
import { checkFloat, checkMinRank, checkTensor, shapeStr } from './args.js';
import { LayerInputError, LayerOptionsError } from './errors.js';
import {
  VARIABLE_LAYER_KEYS,
  collectionsOf,
  layerScope,
  type VariableLayerOptions,
} from './layer-options.js';
import { addNamedOutput } from './outputs.js';

/** Options of `batchNorm` (slim's `batch_norm` keyword arguments and defaults). */
export interface BatchNormOptions extends VariableLayerOptions {
  /** Moving-average decay, default 0.999: moving = moving·decay + batch·(1-decay). */
  decay?: number;
  /** Add a learned offset `beta` (default true). */
  center?: boolean;
  /** Multiply by a learned `gamma` (default false, as slim; set true when no ReLU follows). */
  scale?: boolean;
  /** Added to the variance, default 0.001. */
  epsilon?: number;
  /** Default none. */
  activation?: Activation | null;
  /** Initializers of beta (zeros), gamma (ones), moving_mean (zeros), moving_variance (ones). */
  paramInitializers?: {
    beta?: Initializer;
    gamma?: Initializer;
    movingMean?: Initializer;
    movingVariance?: Initializer;
  };
  paramRegularizers?: { beta?: Regularizer; gamma?: Regularizer };
  /**
   * Where the moving-average update op goes (default UPDATE_OPS: the train loop runs it with
   * `store.runUpdateOps()`); null updates the moving averages in place during the forward pass.
   */
  updatesCollections?: string | null;
  /** Default true (slim): normalize with batch statistics and produce an update. */
  isTraining?: boolean;
}

export const BATCH_NORM_KEYS = [
  ...VARIABLE_LAYER_KEYS,
  'decay',
  'center',
  'scale',
  'epsilon',
  'activation',
  'paramInitializers',
  'paramRegularizers',
  'updatesCollections',
  'isTraining',
] as const;

function checkDecay(fn: string, v: unknown): number {
  if (typeof v === 'number' && v >= 0 && v <= 1) return v;
  throw new LayerOptionsError(`${fn}: expected options.decay in [0, 1], got ${String(v)}.`);
}

function checkEpsilon(fn: string, v: unknown): number {
  if (typeof v === 'number' && v > 0 && Number.isFinite(v)) return v;
  throw new LayerOptionsError(`${fn}: expected options.epsilon > 0, got ${String(v)}.`);
}

function movingAverage(moving: tf.Variable, value: tf.Tensor, decay: number): void {
  moving.assign(tf.tidy(() => tf.sub(moving, tf.mul(tf.sub(moving, value), 1 - decay))));
}

function batchNormImpl(inputs: tf.Tensor, options: BatchNormOptions = {}): tf.Tensor {
  const fn = 'batchNorm';
  const x = checkTensor(fn, inputs);
  checkMinRank(fn, x, 2, '[batch, ..., channels]');
  checkFloat(fn, x);
  const decay = checkDecay(fn, options.decay ?? 0.999);
  const epsilon = checkEpsilon(fn, options.epsilon ?? 0.001);
  const activation = checkActivation(fn, options.activation ?? null);
  const training = options.isTraining ?? true;
  const updates =
    options.updatesCollections === undefined ? GraphKeys.UPDATE_OPS : options.updatesCollections;
  const channels = x.shape[x.rank - 1] as number;
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  return layerScope(options, 'BatchNorm', (sc) => {
    const existing = sc.store.get(`${sc.name}/moving_mean`);
    if (existing && existing.shape[0] !== channels) {
      throw new LayerInputError(
        `${fn}: expected inputs with ${existing.shape[0]} channels in the last dimension (the ` +
          `existing '${sc.name}/moving_mean' is ${shapeStr(existing.shape)}), got ${channels} in ` +
          `inputs of shape ${shapeStr(x.shape)}. Give the layer another scope.`,
      );
    }
    const collections = collectionsOf(options);
    const trainable = options.trainable ?? true;
    const init = options.paramInitializers ?? {};
    const regs = options.paramRegularizers ?? {};
    const beta =
      (options.center ?? true)
        ? modelVariable('beta', {
            shape: [channels],
            initializer: init.beta ?? zerosInitializer(),
            regularizer: regs.beta ?? null,
            trainable,
            collections,
          })
        : undefined;
    const gamma = options.scale
      ? modelVariable('gamma', {
          shape: [channels],
          initializer: init.gamma ?? onesInitializer(),
          regularizer: regs.gamma ?? null,
          trainable,
          collections,
        })
      : undefined;
    const movingMean = modelVariable('moving_mean', {
      shape: [channels],
      initializer: init.movingMean ?? zerosInitializer(),
      trainable: false,
      collections,
    });
    const movingVariance = modelVariable('moving_variance', {
      shape: [channels],
      initializer: init.movingVariance ?? onesInitializer(),
      trainable: false,
      collections,
    });
    // tfjs-core cannot differentiate tf.batchNorm when offset or scale is absent (its tape reads
    // every input), so slim's "no gamma" default passes a constant 1 (and "no beta" a 0) instead.
    const offset = beta ?? tf.zeros([channels]);
    const scale = gamma ?? tf.ones([channels]);
    let out: tf.Tensor;
    if (!training) {
      out = tf.batchNorm(x, movingMean, movingVariance, offset, scale, epsilon);
    } else {
      const { mean, variance } = tf.tidy(() => tf.moments(x, axes));
      out = tf.batchNorm(x, mean, variance, offset, scale, epsilon);
      if (updates === null) {
        movingAverage(movingMean, mean, decay);
        movingAverage(movingVariance, variance, decay);
      } else {
        tf.keep(mean);
        tf.keep(variance);
        sc.store.addUpdateOp(
          {
            name: `${sc.name}/AssignMovingAvg`,
            run: () => {
              movingAverage(movingMean, mean, decay);
              movingAverage(movingVariance, variance, decay);
            },
            dispose: () => {
              mean.dispose();
              variance.dispose();
            },
          },
          updates,
        );
      }
    }
    if (activation !== null) out = applyActivation(out, activation);
    return addNamedOutput(options.outputsCollections, sc.name, out);
  });
}

/**
 * Batch normalization over the last (channel) axis (slim's `batch_norm`, NHWC): while
 * training, normalizes with the batch mean and (biased) variance and registers an update op
 * `<scope>/AssignMovingAvg` in the store's UPDATE_OPS that moves `moving_mean` and
 * `moving_variance` (non-trainable model variables) by `decay`; with `isTraining: false` it
 * uses the moving averages. Variables `beta` (center, default on) and `gamma` (scale, default
 * off), default scope `BatchNorm`. Arg-scopable; use it as conv2d's `normalizer`.
 *
 * @example
 * const y = conv2d(x, 64, 3, { normalizer: batchNorm, normalizerParams: { isTraining: true } });
 * // after the optimizer step:
 * store.runUpdateOps();
 */
export const batchNorm = addArgScope(batchNormImpl, {
  name: 'batchNorm',
  optionsIndex: 1,
  keys: BATCH_NORM_KEYS,
});
