// slim README, "Restoring models with different variable names":
//   # Assuming that 'conv1/weights' should be restored from 'vgg16/conv1/weights'
//   def name_in_checkpoint(var):
//     return 'vgg16/' + var.op.name
//   # Assuming that 'conv1/weights' and 'conv1/bias' should be restored from
//   # 'conv1/params1' and 'conv1/params2'
//   def name_in_checkpoint(var):
//     if "weights" in var.op.name:
//       return var.op.name.replace("weights", "params1")
//     if "bias" in var.op.name:
//       return var.op.name.replace("bias", "params2")
//   variables_to_restore = slim.get_model_variables()
//   variables_to_restore = {name_in_checkpoint(var):var for var in variables_to_restore}
//   restorer = tf.train.Saver(variables_to_restore)
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { mapVariableNames, restore, saveCheckpoint } from '@tfslim/checkpoint';
import { MemoryFileStore } from '@tfslim/storage';
import { VariableStore, getModelVariables, modelVariable } from '@tfslim/variables';
import { expectClose } from './_check.js';

export async function main(): Promise<{ prefixed: string[]; renamed: string[] }> {
  await selectBackend({ require: 'cpu', env: {} });
  const fileStore = new MemoryFileStore();
  const pretrained = {
    'vgg16/conv1/weights': tf.fill([2], 1),
    'vgg16/conv1/bias': tf.fill([2], 2),
    'conv1/params1': tf.fill([2], 3),
    'conv1/params2': tf.fill([2], 4),
  };
  const ckpt = await saveCheckpoint('/tmp', pretrained, { store: fileStore });
  tf.dispose(Object.values(pretrained));
  const store = new VariableStore();
  const w = modelVariable('conv1/weights', { shape: [2], initializer: 0, store });
  const b = modelVariable('conv1/bias', { shape: [2], initializer: 0, store });

  // name_in_checkpoint = lambda var: 'vgg16/' + var.op.name
  const first = await restore(
    ckpt,
    mapVariableNames(getModelVariables({ store }), (name) => `vgg16/${name}`),
    { store: fileStore },
  );
  expectClose("conv1/weights from 'vgg16/conv1/weights'", w.dataSync()[0] as number, 1);
  expectClose("conv1/bias from 'vgg16/conv1/bias'", b.dataSync()[0] as number, 2);

  // weights -> params1, bias -> params2
  const second = await restore(
    ckpt,
    mapVariableNames(getModelVariables({ store }), (name) => {
      if (name.includes('weights')) return name.replace('weights', 'params1');
      if (name.includes('bias')) return name.replace('bias', 'params2');
      return null;
    }),
    { store: fileStore },
  );
  expectClose("conv1/weights from 'conv1/params1'", w.dataSync()[0] as number, 3);
  expectClose("conv1/bias from 'conv1/params2'", b.dataSync()[0] as number, 4);
  store.dispose();
  return { prefixed: first.restored, renamed: second.restored };
}
