// A stand-in for slim's vgg_16 with its variable names (vgg_16/conv1/conv1_1/weights, ...,
// vgg_16/fc6, fc7, fc8) and tiny widths on 8x8 images, so each sample runs in seconds on 2
// cores. `@tfslim/nets-vgg`'s vgg16 is the real network (224x224, 138M parameters).
import * as tf from '@tensorflow/tfjs-core';
import { conv2d, maxPool2d } from '@tfslim/layers';
import { variableScope, zerosInitializer } from '@tfslim/variables';

/** Logits [B, numClasses] of 8x8x3 images; `zeroHead` starts fc8 at zero (logits 0). */
export function tinyVgg16(images: tf.Tensor, numClasses: number, zeroHead = false): tf.Tensor {
  return variableScope('vgg_16', () => {
    let net = variableScope('conv1', () => {
      const a = conv2d(images, 4, [3, 3], { scope: 'conv1_1' });
      return conv2d(a, 4, [3, 3], { scope: 'conv1_2' });
    });
    net = maxPool2d(net, [2, 2], { scope: 'pool1' });
    net = variableScope('conv2', () => conv2d(net, 8, [3, 3], { scope: 'conv2_1' }));
    net = maxPool2d(net, [2, 2], { scope: 'pool2' });
    net = conv2d(net, 16, [2, 2], { padding: 'VALID', scope: 'fc6' });
    net = conv2d(net, 16, [1, 1], { scope: 'fc7' });
    const head = zeroHead ? { weightsInitializer: zerosInitializer() } : {};
    net = conv2d(net, numClasses, [1, 1], { activation: null, scope: 'fc8', ...head });
    return tf.squeeze(net, [1, 2]);
  });
}

/** `n` synthetic 8x8x3 images and one-hot labels over `numClasses` (deterministic). */
export function syntheticBatch(
  n: number,
  numClasses: number,
): { images: tf.Tensor; labels: tf.Tensor } {
  return tf.tidy(() => {
    const images = tf.div(tf.reshape(tf.range(0, n * 8 * 8 * 3), [n, 8, 8, 3]), n * 8 * 8 * 3);
    const ids = tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % numClasses),
      'int32',
    );
    return { images, labels: tf.cast(tf.oneHot(ids, numClasses), 'float32') };
  });
}
