// slim README, "Fine-Tuning a Model on a different task" (ImageNet's 1000 classes to Pascal
// VOC's 20):
//   predictions = vgg.vgg_16(images)
//   train_op = slim.learning.create_train_op(...)
//   model_path = '/path/to/pre_trained_on_imagenet.checkpoint'
//   log_dir = '/path/to/my_pascal_model_dir/'
//   # Restore only the convolutional layers:
//   variables_to_restore = slim.get_variables_to_restore(exclude=['fc6', 'fc7', 'fc8'])
//   init_fn = assign_from_checkpoint_fn(model_path, variables_to_restore)
//   slim.learning.train(train_op, log_dir, init_fn=init_fn)
// Scopes are prefixes of full names: slim's 'fc6' matches nothing ('vgg_16/fc6' is the scope)
// and would restore fc6-fc8 too; here it is an error naming 'vgg_16/fc6'. The convolutions are
// frozen as with train_image_classifier's --trainable_scopes, so they must still hold the
// checkpoint's values after training.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { assignFromCheckpointFn, saveCheckpoint } from '@tfslim/checkpoint';
import { createTrainOp, train } from '@tfslim/learning';
import { softmaxCrossEntropy } from '@tfslim/losses';
import { MemoryFileStore } from '@tfslim/storage';
import { VariableStore, getVariablesToRestore, withVariableStore } from '@tfslim/variables';
import { expectThrows } from './_check.js';
import { syntheticBatch, tinyVgg16 } from './_tiny-vgg.js';

const HEAD = ['vgg_16/fc6', 'vgg_16/fc7', 'vgg_16/fc8'];

/** The "ImageNet" model: 1000 classes, saved with its model variables only, as the model zoo ships it. */
async function pretrained(
  fileStore: MemoryFileStore,
): Promise<{ path: string; values: Record<string, number[]> }> {
  const store = new VariableStore();
  const { images, labels } = syntheticBatch(1, 1000);
  tf.tidy(() => {
    withVariableStore(store, () => tinyVgg16(images, 1000));
  });
  tf.dispose([images, labels]);
  const values: Record<string, number[]> = {};
  for (const [name, v] of Object.entries(store.namedVariables()))
    values[name] = Array.from(v.dataSync());
  const path = await saveCheckpoint('/imagenet', store.namedVariables(), { store: fileStore });
  store.dispose();
  return { path, values };
}

export async function main(): Promise<{ restored: number; trained: string[]; steps: number }> {
  await selectBackend({ require: 'cpu', env: {} });
  const fileStore = new MemoryFileStore();
  const { path: modelPath, values } = await pretrained(fileStore);

  const store = new VariableStore();
  const { images, labels } = syntheticBatch(4, 20);
  const trainOp = createTrainOp(
    (_losses, x: tf.Tensor, y: tf.Tensor) => softmaxCrossEntropy(tinyVgg16(x, 20), y),
    tf.train.sgd(0.01),
    { store, variablesToTrain: HEAD },
  );
  trainOp.build(images, labels); // the model's variables exist, as after vgg.vgg_16(images)

  expectThrows(
    "exclude=['fc6', 'fc7', 'fc8']",
    () => getVariablesToRestore({ store, exclude: ['fc6', 'fc7', 'fc8'] }),
    /got 'fc6', which matches none .*did you mean 'vgg_16\/fc6'/,
  );
  const variablesToRestore = getVariablesToRestore({ store, exclude: HEAD });
  const initFn = assignFromCheckpointFn(modelPath, variablesToRestore, { store: fileStore });
  await train(trainOp, '/pascal', { data: [[images, labels]], initFn, fileStore, log: null });

  for (const v of variablesToRestore) {
    const name = store.nameOf(v);
    const got = Array.from(v.dataSync());
    if (got.some((x, i) => x !== values[name]?.[i]))
      throw new Error(`${name}: expected the checkpoint's values.`);
  }
  const steps = trainOp.globalStep.dataSync()[0] as number;
  if (variablesToRestore.length !== 6 || steps !== 1) {
    throw new Error(
      `expected 6 convolution variables restored and 1 step, got ${variablesToRestore.length} and ${steps}.`,
    );
  }
  const trained = trainOp.variablesToTrain.map((v) => store.nameOf(v));
  tf.dispose([images, labels]);
  trainOp.dispose();
  trainOp.optimizer.dispose();
  store.dispose();
  return { restored: variablesToRestore.length, trained, steps };
}
