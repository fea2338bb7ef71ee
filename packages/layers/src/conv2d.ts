// conv2d: slim's conv2d (weights, biases or a normalizer, activation, dilation).
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
import {
  checkPadding,
  checkRank,
  checkTensor,
  pair,
  positiveInt,
  shapeStr,
  type Padding,
  type Size2,
} from './args.js';
import { LayerInputError, LayerOptionsError } from './errors.js';
import { fusedConv2d } from './fused-conv.js';
import { fusedMatMul } from './fused-matmul.js';
import {
  VARIABLE_LAYER_KEYS,
  collectionsOf,
  layerScope,
  type VariableLayerOptions,
} from './layer-options.js';
import { addNamedOutput } from './outputs.js';

/**
 * A normalizer applied after a conv/fully connected layer instead of its biases (slim's
 * `normalizer_fn`), e.g. `batchNorm`; it receives `normalizerParams` as its options.
 */
export type Normalizer = (inputs: tf.Tensor, params?: never) => tf.Tensor;

/** Options of `conv2d` (slim's `conv2d` keyword arguments, camelCase). */
export interface Conv2dOptions extends VariableLayerOptions {
  /** Default 1. */
  stride?: Size2;
  /** Default 'SAME'. */
  padding?: Padding;
  /** Dilation rate (atrous convolution), default 1; needs stride 1. */
  rate?: Size2;
  /** Default 'relu'; null for none. */
  activation?: Activation | null;
  /** Applied instead of biases, before the activation (e.g. batchNorm). */
  normalizer?: Normalizer | null;
  /** Options handed to the normalizer. */
  normalizerParams?: object;
  /** Default xavier (glorot uniform). */
  weightsInitializer?: Initializer;
  weightsRegularizer?: Regularizer | null;
  /** Default zeros; null for no biases. */
  biasesInitializer?: Initializer | null;
  biasesRegularizer?: Regularizer | null;
}

export const CONV2D_KEYS = [
  ...VARIABLE_LAYER_KEYS,
  'stride',
  'padding',
  'rate',
  'activation',
  'normalizer',
  'normalizerParams',
  'weightsInitializer',
  'weightsRegularizer',
  'biasesInitializer',
  'biasesRegularizer',
] as const;

/**
 * A conv that is a matrix product: a 1x1 kernel at stride 1 (every pixel times the weights),
 * or a VALID kernel as large as the input (one output pixel: slim's fc6 `[7, 7]` on a 7x7 map,
 * fc7/fc8 `[1, 1]` on 1x1). Returns the operands reshaped (views, no copies) and the output
 * shape, or null. The same sums in another order: TensorFlow's (oneDNN's) Conv2D reorders a
 * large filter (VGG's fc6) on every call, where MatMul reads it as it is (timings: the README).
 */
function matMulConv(
  x: tf.Tensor4D,
  weights: tf.Tensor4D,
  strides: readonly [number, number],
  dilations: readonly [number, number],
  padding: Padding,
): { a: tf.Tensor2D; b: tf.Tensor2D; outShape: number[] } | null {
  const [n, h, w, c] = x.shape;
  const [kh, kw, , out] = weights.shape;
  if (dilations[0] !== 1 || dilations[1] !== 1) return null;
  if (kh === 1 && kw === 1 && strides[0] === 1 && strides[1] === 1) {
    return {
      a: tf.reshape(x, [n * h * w, c]),
      b: tf.reshape(weights, [c, out]),
      outShape: [n, h, w, out],
    };
  }
  if (padding === 'VALID' && kh === h && kw === w) {
    return {
      a: tf.reshape(x, [n, h * w * c]),
      b: tf.reshape(weights, [kh * kw * c, out]),
      outShape: [n, 1, 1, out],
    };
  }
  return null;
}

function conv2dImpl(
  inputs: tf.Tensor,
  numOutputs: number,
  kernelSize: Size2,
  options: Conv2dOptions = {},
): tf.Tensor {
  const fn = 'conv2d';
  const x = checkTensor(fn, inputs);
  checkRank(
    fn,
    x,
    4,
    '[batch, height, width, channels] (NHWC)',
    'Add a batch dimension with tf.expandDims(x, 0), or reshape to NHWC.',
  );
  positiveInt(fn, 'numOutputs', numOutputs);
  const [kh, kw] = pair(fn, 'kernelSize', kernelSize);
  const strides = pair(fn, 'options.stride', options.stride ?? 1);
  const dilations = pair(fn, 'options.rate', options.rate ?? 1);
  const padding = checkPadding(fn, options.padding ?? 'SAME');
  const activation = checkActivation(
    fn,
    options.activation === undefined ? 'relu' : options.activation,
  );
  if ((dilations[0] > 1 || dilations[1] > 1) && (strides[0] > 1 || strides[1] > 1)) {
    throw new LayerOptionsError(
      `${fn}: expected stride 1 when rate > 1, got stride ${shapeStr(strides)} and rate ` +
        `${shapeStr(dilations)}. Use one or the other, as TensorFlow requires.`,
    );
  }
  const normalizer = options.normalizer ?? null;
  const inChannels = x.shape[3] as number;
  return layerScope(options, 'Conv', (sc) => {
    const weightsName = `${sc.name}/weights`;
    const existing = sc.store.get(weightsName);
    if (existing && existing.rank === 4 && existing.shape[2] !== inChannels) {
      throw new LayerInputError(
        `${fn}: expected inputs with ${existing.shape[2]} channels (the existing '${weightsName}' ` +
          `is ${shapeStr(existing.shape)}), got ${inChannels} channels in inputs of shape ` +
          `${shapeStr(x.shape)}. Feed the channels the layer was built for, or give it another scope.`,
      );
    }
    const collections = collectionsOf(options);
    const trainable = options.trainable ?? true;
    const weights = modelVariable('weights', {
      shape: [kh, kw, inChannels, numOutputs],
      initializer: options.weightsInitializer ?? xavierInitializer(),
      regularizer: options.weightsRegularizer ?? null,
      trainable,
      collections,
    }) as tf.Variable<tf.Rank.R4>;
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
    const x4 = x as tf.Tensor4D;
    let out: tf.Tensor;
    if (normalizer === null) {
      const fused = fusedActivation(activation);
      out = tf.tidy(() => {
        const asMatMul = matMulConv(x4, weights, strides, dilations, padding);
        const y = asMatMul
          ? tf.reshape(
              fusedMatMul(asMatMul.a, asMatMul.b, biases, fused ?? 'linear'),
              asMatMul.outShape,
            )
          : fusedConv2d({
              x: x4,
              filter: weights,
              bias: biases,
              strides,
              pad: padding.toLowerCase() as 'same' | 'valid',
              dilations,
              activation: fused ?? 'linear',
            });
        return fused === undefined ? applyActivation(y, activation) : y;
      });
    } else {
      const y = tf.conv2d(
        x4,
        weights,
        strides,
        padding.toLowerCase() as 'same' | 'valid',
        'NHWC',
        dilations,
      );
      const normalized = normalizer(y, (options.normalizerParams ?? {}) as never);
      out = activation === null ? normalized : applyActivation(normalized, activation);
    }
    return addNamedOutput(options.outputsCollections, sc.name, out);
  });
}

/**
 * 2-D convolution with slim's defaults (NHWC): weights `[kh, kw, in, numOutputs]` (xavier),
 * biases `[numOutputs]` (zeros), stride 1, SAME padding, ReLU; variables `<scope>/weights`
 * and `<scope>/biases` (default scope `Conv`, `Conv_1`, ...). With a `normalizer` the biases are
 * left out and the normalizer runs before the activation. Arg-scopable.
 *
 * @example
 * const net = variableScope('vgg_16', () =>
 *   conv2d(images, 64, [3, 3], { scope: 'conv1_1' })); // vgg_16/conv1_1/weights [3,3,3,64]
 */
export const conv2d = addArgScope(conv2dImpl, {
  name: 'conv2d',
  optionsIndex: 3,
  keys: CONV2D_KEYS,
});
