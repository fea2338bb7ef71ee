// maxPool2d and avgPool2d: slim's max_pool2d and avg_pool2d.
import * as tf from '@tensorflow/tfjs-core';
import { addArgScope } from '@tfslim/variables';
import { checkPadding, checkRank, checkTensor, pair, type Padding, type Size2 } from './args.js';
import { LAYER_KEYS, layerScope, type LayerOptions } from './layer-options.js';
import { addNamedOutput } from './outputs.js';

/** Options of `maxPool2d` and `avgPool2d`. */
export interface Pool2dOptions extends LayerOptions {
  /** Default 2 (slim). */
  stride?: Size2;
  /** Default 'VALID' (slim). */
  padding?: Padding;
}

export const POOL_KEYS = [...LAYER_KEYS, 'stride', 'padding'] as const;

function pool(
  fn: string,
  defaultName: string,
  kind: 'max' | 'avg',
  inputs: tf.Tensor,
  kernelSize: Size2,
  options: Pool2dOptions,
): tf.Tensor {
  const x = checkTensor(fn, inputs);
  checkRank(
    fn,
    x,
    4,
    '[batch, height, width, channels] (NHWC)',
    'Add a batch dimension with tf.expandDims(x, 0).',
  );
  const k = pair(fn, 'kernelSize', kernelSize);
  const strides = pair(fn, 'options.stride', options.stride ?? 2);
  const pad = checkPadding(fn, options.padding ?? 'VALID').toLowerCase() as 'same' | 'valid';
  return layerScope(options, defaultName, (sc) => {
    const x4 = x as tf.Tensor4D;
    const out = kind === 'max' ? tf.maxPool(x4, k, strides, pad) : tf.avgPool(x4, k, strides, pad);
    return addNamedOutput(options.outputsCollections, sc.name, out);
  });
}

/**
 * 2-D max pooling (NHWC) with slim's defaults: stride 2, VALID padding; default scope
 * `MaxPool2D`. No variables. Arg-scopable.
 *
 * @example
 * net = maxPool2d(net, [2, 2], { scope: 'pool1' });
 */
export const maxPool2d = addArgScope(
  function maxPool2d(inputs: tf.Tensor, kernelSize: Size2, options: Pool2dOptions = {}) {
    return pool('maxPool2d', 'MaxPool2D', 'max', inputs, kernelSize, options);
  },
  { name: 'maxPool2d', optionsIndex: 2, keys: POOL_KEYS },
);

/**
 * 2-D average pooling (NHWC): stride 2, VALID padding by default; with SAME padding the
 * average is over the in-bounds elements only, as in TensorFlow. Default scope `AvgPool2D`.
 *
 * @example
 * net = avgPool2d(net, [7, 7], { stride: 1, scope: 'global_pool' });
 */
export const avgPool2d = addArgScope(
  function avgPool2d(inputs: tf.Tensor, kernelSize: Size2, options: Pool2dOptions = {}) {
    return pool('avgPool2d', 'AvgPool2D', 'avg', inputs, kernelSize, options);
  },
  { name: 'avgPool2d', optionsIndex: 2, keys: POOL_KEYS },
);
