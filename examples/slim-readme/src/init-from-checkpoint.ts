// TF's tf.compat.v1.train.init_from_checkpoint (the TF1 way to warm-start a model under
// another scope), from its docstring:
//   # Initialize all variables in current scope 'new_scope_1' from checkpoint scope 'old_scope_1'
//   tf.compat.v1.train.init_from_checkpoint('/tmp/model.ckpt', {'old_scope_1/': 'new_scope_1/'})
//   # Initialize a single variable from a checkpoint variable of another name
//   tf.compat.v1.train.init_from_checkpoint('/tmp/model.ckpt',
//                                          {'old_scope_1/var1': 'new_scope_2/var'})
// Here: a pre-trained 'vgg_16/...' checkpoint into a model built under 'tower_0/vgg_16/...'.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { saveCheckpoint } from '@tfslim/checkpoint';
import { initFromCheckpoint } from '@tfslim/learning';
import { MemoryFileStore } from '@tfslim/storage';
import { VariableStore, variable, variableScope, withVariableStore } from '@tfslim/variables';
import { syntheticBatch, tinyVgg16 } from './_tiny-vgg.js';

export async function main(): Promise<{ restored: number }> {
  await selectBackend({ require: 'cpu', env: {} });
  const fileStore = new MemoryFileStore();
  const { images, labels } = syntheticBatch(1, 10);
  const old = new VariableStore();
  tf.tidy(() => {
    withVariableStore(old, () => tinyVgg16(images, 10));
  });
  const ckpt = await saveCheckpoint('/tmp', old.namedVariables(), { store: fileStore });

  const store = new VariableStore();
  tf.tidy(() => {
    withVariableStore(store, () => variableScope('tower_0', () => tinyVgg16(images, 10)));
  });
  const bias = variable('head/biases', { shape: [10], initializer: 0, store });
  const report = await initFromCheckpoint(
    ckpt,
    { 'vgg_16/': 'tower_0/vgg_16/', 'vgg_16/fc8/biases': 'head/biases' },
    { store, fileStore },
  );
  for (const [name, v] of Object.entries(old.namedVariables())) {
    const mine = store.get(`tower_0/${name}`)!;
    if (Array.from(mine.dataSync()).some((x, i) => x !== v.dataSync()[i])) {
      throw new Error(`tower_0/${name}: expected the values of '${name}' in the checkpoint.`);
    }
  }
  const want = Array.from(old.get('vgg_16/fc8/biases')!.dataSync());
  if (Array.from(bias.dataSync()).some((x, i) => x !== want[i])) {
    throw new Error("head/biases: expected the values of 'vgg_16/fc8/biases'.");
  }
  tf.dispose([images, labels]);
  old.dispose();
  store.dispose();
  return { restored: report.restored.length };
}
