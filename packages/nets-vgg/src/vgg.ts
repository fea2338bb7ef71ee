// vggA, vgg16 and vgg19: slim's nets/vgg.py.
/**
 * VGG: K. Simonyan and A. Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
 * Recognition", arXiv:1409.1556 (2014), https://arxiv.org/abs/1409.1556. Configurations A
 * (`vggA`, 11 layers), D (`vgg16`) and E (`vgg19`) as TF-Slim's `nets/vgg.py` builds them: the
 * fully connected layers fc6-fc8 are convolutions, so the net also runs on larger images and
 * then returns a spatial map of logits.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  collectNamedOutputs,
  conv2d,
  dropout,
  fullyConnected,
  maxPool2d,
  repeat,
} from '@tfslim/layers';
import { argScope, variableScope, type VariableScopeOptions } from '@tfslim/variables';
import { checkInputs, resolveOptions, type VggOptions, type VggOutput } from './options.js';

/** A VGG model function; `defaultImageSize` is the image side it was trained on (224). */
export interface VggNet {
  (inputs: tf.Tensor, options?: VggOptions): VggOutput;
  /** 224, slim's `default_image_size`. */
  readonly defaultImageSize: number;
}

/** Filters of the five conv blocks. */
const FILTERS = [64, 128, 256, 512, 512] as const;

function makeVgg(name: string, defaultScope: string, convs: readonly number[]): VggNet {
  const net = (inputs: tf.Tensor, options?: VggOptions): VggOutput => {
    const o = resolveOptions(name, defaultScope, options);
    const images = checkInputs(name, inputs, o);
    const scopeOptions: VariableScopeOptions = {};
    if (o.store !== undefined) scopeOptions.store = o.store;
    if (o.reuse !== undefined) scopeOptions.reuse = o.reuse;
    return variableScope(
      o.scope,
      (sc) => {
        const collection = `${sc.name}_end_points`;
        // Outputs that are not end points, freed once used: a call leaves only `net` and the
        // end points behind. (No tf.tidy here: it would also free the regularization losses
        // the layers hand to the active loss sink.)
        const intermediates: tf.Tensor[] = [];
        const [features, endPoints] = collectNamedOutputs(collection, () =>
          argScope([conv2d, fullyConnected, maxPool2d], { outputsCollections: collection }, () => {
            let x: tf.Tensor = images;
            convs.forEach((n, i) => {
              const filters = FILTERS[i] as number;
              x = repeat(x, n, conv2d, [filters, [3, 3]], { scope: `conv${i + 1}` });
              x = maxPool2d(x, [2, 2], { scope: `pool${i + 1}` });
            });
            // Use conv2d instead of fully connected layers.
            x = conv2d(x, 4096, [7, 7], { padding: o.fcConvPadding, scope: 'fc6' });
            x = dropout(x, o.dropoutKeepProb, { isTraining: o.isTraining, scope: 'dropout6' });
            intermediates.push(x);
            return conv2d(x, 4096, [1, 1], { scope: 'fc7' });
          }),
        );
        let net = features;
        if (o.globalPool) {
          net = tf.mean(net, [1, 2], true);
          endPoints['global_pool'] = net;
        }
        if (o.numClasses > 0) {
          net = dropout(net, o.dropoutKeepProb, { isTraining: o.isTraining, scope: 'dropout7' });
          intermediates.push(net);
          net = conv2d(net, o.numClasses, [1, 1], {
            activation: null,
            normalizer: null,
            scope: 'fc8',
          });
          if (o.spatialSqueeze) {
            intermediates.push(net);
            net = tf.squeeze(net, [1, 2]);
          }
          endPoints[`${sc.name}/fc8`] = net;
        }
        const kept = new Set([net, ...Object.values(endPoints)]);
        for (const t of intermediates) if (!kept.has(t)) t.dispose();
        return { net, endPoints };
      },
      scopeOptions,
    );
  };
  Object.defineProperty(net, 'name', { value: name });
  return Object.assign(net, { defaultImageSize: 224 }) as VggNet;
}

/**
 * VGG-A (11 layers, configuration A): conv blocks of 1, 1, 2, 2, 2 3x3 convolutions with 64,
 * 128, 256, 512, 512 filters, each followed by a 2x2 max pool, then fc6-fc8 as convolutions.
 * Variables `vgg_a/conv1/conv1_1/weights` ... `vgg_a/fc8/biases`. Use under `vggArgScope()`.
 *
 * @example
 * const { net, endPoints } = argScope(vggArgScope(), () =>
 *   vggA(images, { numClasses: 1000, isTraining: false }));
 * net.shape; // [B, 1000] for 224x224 images
 */
export const vggA: VggNet = makeVgg('vggA', 'vgg_a', [1, 1, 2, 2, 2]);

/**
 * VGG-16 (configuration D): conv blocks of 2, 2, 3, 3, 3 3x3 convolutions, 2x2 max pools,
 * fc6 (7x7, 4096), fc7 (1x1, 4096), fc8 (1x1, numClasses, no activation); 138,357,544
 * parameters with 1000 classes. Variables `vgg_16/conv1/conv1_1/weights` [3,3,3,64] ...
 *
 * @example
 * const store = new VariableStore();
 * const { net } = tf.tidy(() => argScope(vggArgScope(), () =>
 *   vgg16(images, { numClasses: 10, store })));
 */
export const vgg16: VggNet = makeVgg('vgg16', 'vgg_16', [2, 2, 3, 3, 3]);

/**
 * VGG-19 (configuration E): conv blocks of 2, 2, 4, 4, 4 3x3 convolutions, then the same head
 * as {@link vgg16}. Default scope `vgg_19`.
 *
 * @example
 * const { endPoints } = argScope(vggArgScope(), () => vgg19(images, { isTraining: false }));
 * endPoints['vgg_19/conv5/conv5_4']; // [B, 14, 14, 512] for 224x224 images
 */
export const vgg19: VggNet = makeVgg('vgg19', 'vgg_19', [2, 2, 4, 4, 4]);
