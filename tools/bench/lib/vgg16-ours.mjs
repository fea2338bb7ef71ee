// Our side of tools/bench/vgg16-native.mjs: a tfslim VGG16 train step on the native backend,
// and (run as a script) its peak memory in a process of its own.
// `node vgg16-ours.mjs <slim|plain> <steps>` prints {"mb": VmHWM} after two warm-up steps and
// <steps> steps: the benchmark compares it with Keras' peak measured the same way.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { createTrainOp } from '@tfslim/learning';
import { softmaxCrossEntropy } from '@tfslim/losses';
import { vgg16, vggArgScope } from '@tfslim/nets-vgg';
import { VariableStore, argScope } from '@tfslim/variables';
import { fileURLToPath } from 'node:url';
import { maxRssBytes } from './stats.mjs';

/**
 * What each variant trains: 'slim' is slim's vgg_16 in vgg_arg_scope (L2 weight decay 0.0005
 * on the weights, dropout 0.5 after fc6 and fc7); 'plain' has neither, as
 * keras.applications.VGG16.
 */
export const VARIANTS = {
  slim: { weightDecay: 0.0005, isTraining: true },
  plain: { weightDecay: 0, isTraining: false },
};

/** Batch 2 of 224x224x3 random images and two one-hot labels of 1000 classes. */
export function vggBatch() {
  return {
    images: tf.randomNormal([2, 224, 224, 3], 0, 1, 'float32', 0),
    labels: tf.oneHot(tf.tensor1d([3, 7], 'int32'), 1000),
  };
}

/** A train op (createTrainOp + SGD 0.01, softmax cross-entropy) of one variant on a batch. */
export function oursTrainOp(variant, { images, labels }, store = new VariableStore()) {
  const { weightDecay, isTraining } = VARIANTS[variant];
  const trainOp = createTrainOp(
    () => {
      const { net } = argScope(vggArgScope({ weightDecay }), () =>
        vgg16(images, { numClasses: 1000, isTraining, store }),
      );
      softmaxCrossEntropy(net, labels);
    },
    tf.train.sgd(0.01),
    { store },
  );
  return { trainOp, store };
}

/** Runs one step to completion; its wall time in seconds. */
export function timedStep(trainOp) {
  const t = performance.now();
  const loss = trainOp();
  loss.dataSync();
  loss.dispose();
  return (performance.now() - t) / 1000;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [variant = 'slim', steps = '2'] = process.argv.slice(2);
  await selectBackend({ require: 'tensorflow', env: {} });
  const { trainOp } = oursTrainOp(variant, vggBatch());
  for (let i = 0; i < 2 + Number(steps); i++) timedStep(trainOp);
  console.log(JSON.stringify({ mb: maxRssBytes() / 2 ** 20 }));
}
