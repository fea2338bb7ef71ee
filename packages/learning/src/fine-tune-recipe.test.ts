// The README's fine-tuning recipe runs as written.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { assignFromCheckpointFn, saveCheckpoint } from '@tfslim/checkpoint';
import { meanSquaredError } from '@tfslim/losses';
import { MemoryFileStore } from '@tfslim/storage';
import { VariableStore, getVariablesToRestore, variable, variableScope } from '@tfslim/variables';
import { createTrainOp, train } from './index.js';

function net(x: tf.Tensor): tf.Tensor {
  return variableScope('vgg_16', () => {
    const w = variableScope('conv1', () => variable('weights', { shape: [2, 2], initializer: 0 }));
    const v = variableScope('fc8', () => variable('weights', { shape: [2, 1], initializer: 0 }));
    return tf.matMul(tf.matMul(x, w), v);
  });
}

describe('the README fine-tuning recipe runs as written', () => {
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
  });

  // slim README:
  //   predictions = vgg.vgg_16(images)
  //   train_op = slim.learning.create_train_op(...)
  //   variables_to_restore = slim.get_variables_to_restore(exclude=['vgg_16/fc8'])
  //   init_fn = assign_from_checkpoint_fn(model_path, variables_to_restore)
  //   slim.learning.train(train_op, log_dir, init_fn=init_fn)
  it('restores a model-zoo checkpoint (no global_step) after createTrainOp made the step', async () => {
    const files = new MemoryFileStore();
    const zoo = new VariableStore();
    const store = new VariableStore();
    try {
      // The "pre-trained" checkpoint: model variables only, as the model zoo ships them.
      variableScope('vgg_16/conv1', () => variable('weights', { shape: [2, 2], initializer: 3 }), {
        store: zoo,
      });
      variableScope('vgg_16/fc8', () => variable('weights', { shape: [2, 1], initializer: 9 }), {
        store: zoo,
      });
      const modelPath = await saveCheckpoint('/zoo', zoo.namedVariables(), { store: files });

      const x = tf.tensor2d([[1, 0]]);
      const y = tf.tensor2d([[0]]);
      const trainOp = createTrainOp(
        (_l, xb: tf.Tensor, yb: tf.Tensor) => meanSquaredError(net(xb), yb),
        tf.train.sgd(0),
        { store },
      );
      trainOp.build(x, y);
      const variablesToRestore = getVariablesToRestore({ store, exclude: ['vgg_16/fc8'] });
      const initFn = assignFromCheckpointFn(modelPath, variablesToRestore, { store: files });
      await train(trainOp, '/logs', {
        data: [[x, y]],
        initFn,
        fileStore: files,
        log: null,
      });
      expect(Array.from(await store.get('vgg_16/conv1/weights')!.data())).toEqual([3, 3, 3, 3]);
      expect(Array.from(await store.get('vgg_16/fc8/weights')!.data())).toEqual([0, 0]);
      expect(trainOp.globalStep.dataSync()[0]).toBe(1);
      x.dispose();
      y.dispose();
    } finally {
      zoo.dispose();
      store.dispose();
    }
  });
});
