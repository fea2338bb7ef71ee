// dropout: slim's dropout, keepProb the probability to keep, inactive outside training.
import * as tf from '@tensorflow/tfjs-core';
import { addArgScope } from '@tfslim/variables';
import { checkTensor } from './args.js';
import { LAYER_KEYS, layerScope, type LayerOptions } from './layer-options.js';
import { addNamedOutput } from './outputs.js';
import { LayerOptionsError } from './errors.js';

/** Options of `dropout`. */
export interface DropoutOptions extends LayerOptions {
  /** Probability of keeping an element (slim's `keep_prob`); the positional argument wins. */
  keepProb?: number;
  /** Default true, as in slim: pass `isTraining: false` for evaluation. */
  isTraining?: boolean;
  /** Shape of the keep/drop mask, broadcast over the inputs (e.g. [B, 1, 1, C]). */
  noiseShape?: readonly number[];
  seed?: number;
}

export const DROPOUT_KEYS = [
  ...LAYER_KEYS,
  'keepProb',
  'isTraining',
  'noiseShape',
  'seed',
] as const;

function dropoutImpl(
  inputs: tf.Tensor,
  keepProb?: number,
  options: DropoutOptions = {},
): tf.Tensor {
  const fn = 'dropout';
  const x = checkTensor(fn, inputs);
  const p = keepProb ?? options.keepProb ?? 0.5;
  if (typeof p !== 'number' || !(p > 0 && p <= 1)) {
    throw new LayerOptionsError(
      `${fn}: expected keepProb in (0, 1], got ${String(p)}. It is the probability to KEEP an ` +
        'element (slim), not the drop rate (Keras).',
    );
  }
  return layerScope(options, 'Dropout', (sc) => {
    const training = options.isTraining ?? true;
    const out =
      !training || p === 1
        ? tf.clone(x)
        : tf.dropout(
            x,
            1 - p,
            options.noiseShape ? [...options.noiseShape] : undefined,
            options.seed,
          );
    return addNamedOutput(options.outputsCollections, sc.name, out);
  });
}

/**
 * Dropout (slim's `dropout`): while training, keeps each element with probability `keepProb`
 * (default 0.5) and scales kept ones by 1/keepProb; with `isTraining: false` returns the
 * inputs unchanged (a clone). slim's default is `isTraining: true`. Default scope `Dropout`.
 *
 * @example
 * net = dropout(net, 0.5, { isTraining, scope: 'dropout6' });
 */
export const dropout = addArgScope(dropoutImpl, {
  name: 'dropout',
  optionsIndex: 2,
  keys: DROPOUT_KEYS,
});
