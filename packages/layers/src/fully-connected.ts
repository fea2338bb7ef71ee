// fullyConnected: slim's fully_connected (weights, biases or a normalizer, activation).
import * as tf from '@tensorflow/tfjs-core';
import {
  addArgScope,
  modelVariable,
  xavierInitializer,
  zerosInitializer,
  type Initializer,
  type Regularizer,
} from '@tfslim/variables';
import {
  applyActivation,
  checkActivation,
  fusedActivation,
  type Activation,
} from './activation.js';
import { checkFloat, checkMinRank, checkTensor, positiveInt, shapeStr } from './args.js';
import type { Normalizer } from './conv2d.js';
import { LayerInputError } from './errors.js';
import { fusedMatMul } from './fused-matmul.js';
import {
  VARIABLE_LAYER_KEYS,
  collectionsOf,
  layerScope,
  type VariableLayerOptions,
} from './layer-options.js';
import { addNamedOutput } from './outputs.js';

/** Options of `fullyConnected` (slim's `fully_connected` keyword arguments). */
export interface FullyConnectedOptions extends VariableLayerOptions {
  /** Default 'relu'; null for none. */
  activation?: Activation | null;
  normalizer?: Normalizer | null;
  normalizerParams?: object;
  /** Default xavier (glorot uniform). */
  weightsInitializer?: Initializer;
  weightsRegularizer?: Regularizer | null;
  /** Default zeros; null for no biases. */
  biasesInitializer?: Initializer | null;
  biasesRegularizer?: Regularizer | null;
}

export const FULLY_CONNECTED_KEYS = [
  ...VARIABLE_LAYER_KEYS,
  'activation',
  'normalizer',
  'normalizerParams',
  'weightsInitializer',
  'weightsRegularizer',
  'biasesInitializer',
  'biasesRegularizer',
] as const;

function fullyConnectedImpl(
  inputs: tf.Tensor,
  numOutputs: number,
  options: FullyConnectedOptions = {},
): tf.Tensor {
  const fn = 'fullyConnected';
  const x = checkTensor(fn, inputs);
  checkMinRank(fn, x, 2, '[batch, ..., features]');
  checkFloat(fn, x);
  positiveInt(fn, 'numOutputs', numOutputs);
  const activation = checkActivation(
    fn,
    options.activation === undefined ? 'relu' : options.activation,
  );
  const normalizer = options.normalizer ?? null;
  const inDim = x.shape[x.rank - 1] as number;
  return layerScope(options, 'fully_connected', (sc) => {
    const weightsName = `${sc.name}/weights`;
    const existing = sc.store.get(weightsName);
    if (existing && existing.rank === 2 && existing.shape[0] !== inDim) {
      throw new LayerInputError(
        `${fn}: expected inputs with ${existing.shape[0]} features in the last dimension (the ` +
          `existing '${weightsName}' is ${shapeStr(existing.shape)}), got ${inDim} in inputs of ` +
          `shape ${shapeStr(x.shape)}. Flatten or resize the inputs, or give the layer another scope.`,
      );
    }
    const collections = collectionsOf(options);
    const trainable = options.trainable ?? true;
    const weights = modelVariable('weights', {
      shape: [inDim, numOutputs],
      initializer: options.weightsInitializer ?? xavierInitializer(),
      regularizer: options.weightsRegularizer ?? null,
      trainable,
      collections,
    }) as tf.Variable<tf.Rank.R2>;
    const biasesInit =
      options.biasesInitializer === undefined ? zerosInitializer() : options.biasesInitializer;
    const biases =
      normalizer === null && biasesInit !== null
        ? modelVariable('biases', {
            shape: [numOutputs],
            initializer: biasesInit,
            regularizer: options.biasesRegularizer ?? null,
            trainable,
            collections,
          })
        : undefined;
    const outShape = [...x.shape.slice(0, -1), numOutputs];
    let out: tf.Tensor;
    if (normalizer === null) {
      const fused = fusedActivation(activation);
      out = tf.tidy(() => {
        const a = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, inDim]);
        let y: tf.Tensor = fusedMatMul(a as tf.Tensor2D, weights, biases, fused ?? 'linear');
        if (fused === undefined) y = applyActivation(y, activation);
        return x.rank === 2 ? y : tf.reshape(y, outShape);
      });
    } else {
      const y = tf.tidy(() => {
        const a = x.rank === 2 ? x : tf.reshape(x, [-1, inDim]);
        const m = tf.matMul(a as tf.Tensor2D, weights);
        return x.rank === 2 ? m : tf.reshape(m, outShape);
      });
      const normalized = normalizer(y, (options.normalizerParams ?? {}) as never);
      out = activation === null ? normalized : applyActivation(normalized, activation);
    }
    return addNamedOutput(options.outputsCollections, sc.name, out);
  });
}

/**
 * Fully connected layer (slim's `fully_connected`): `activation(inputs · weights + biases)` over
 * the last dimension (higher-rank inputs keep their leading dimensions); weights
 * `[in, numOutputs]` (xavier), biases zeros, ReLU by default; default scope
 * `fully_connected`. Arg-scopable.
 *
 * @example
 * const logits = fullyConnected(features, 10, { activation: null, scope: 'logits' });
 */
export const fullyConnected = addArgScope(fullyConnectedImpl, {
  name: 'fullyConnected',
  optionsIndex: 2,
  keys: FULLY_CONNECTED_KEYS,
});
