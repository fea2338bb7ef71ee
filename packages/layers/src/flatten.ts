// flatten: slim's flatten, [batch, ...] to [batch, k].
import * as tf from '@tensorflow/tfjs-core';
import { addArgScope } from '@tfslim/variables';
import { checkMinRank, checkTensor } from './args.js';
import { LAYER_KEYS, layerScope, type LayerOptions } from './layer-options.js';
import { addNamedOutput } from './outputs.js';

/**
 * Reshapes `[batch, ...]` to `[batch, k]` keeping the batch dimension (slim's `flatten`).
 * Default scope `Flatten`. Arg-scopable.
 *
 * @example
 * flatten(tf.zeros([2, 3, 4, 5])).shape; // [2, 60]
 */
export const flatten = addArgScope(
  function flatten(inputs: tf.Tensor, options: LayerOptions = {}): tf.Tensor {
    const x = checkTensor('flatten', inputs);
    checkMinRank('flatten', x, 2, '[batch, ...]');
    return layerScope(options, 'Flatten', (sc) => {
      const k = x.shape.slice(1).reduce((a, b) => a * b, 1);
      return addNamedOutput(
        options.outputsCollections,
        sc.name,
        tf.reshape(x, [x.shape[0] as number, k]),
      );
    });
  },
  { name: 'flatten', optionsIndex: 1, keys: LAYER_KEYS },
);
