// slim README, "Brief Recap on Restoring Variables from a Checkpoint":
//   v1 = tf.Variable(..., name="v1")
//   v2 = tf.Variable(..., name="v2")
//   restorer = tf.train.Saver()          # restore all the variables
//   restorer = tf.train.Saver([v1, v2])  # restore some variables
//   restorer.restore(sess, "/tmp/model.ckpt")
// Here the trained model and the restored one live in one process, in two stores: the second
// store's variables get prefixed tfjs names, and checkpoints still see 'v1' and 'v2'.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { restore, saveCheckpoint } from '@tfslim/checkpoint';
import { MemoryFileStore } from '@tfslim/storage';
import { VariableStore, getVariables, variable } from '@tfslim/variables';
import { expectClose } from './_check.js';

function model(store: VariableStore, v1: number, v2: number): [tf.Variable, tf.Variable] {
  return [
    variable('v1', { shape: [2], initializer: v1, store }),
    variable('v2', { shape: [3], initializer: v2, store }),
  ];
}

export async function main(): Promise<{ restoredAll: string[]; restoredSome: string[] }> {
  await selectBackend({ require: 'cpu', env: {} });
  const fileStore = new MemoryFileStore();
  const trained = new VariableStore();
  const fresh = new VariableStore();
  model(trained, 1, 2);
  const ckpt = await saveCheckpoint('/tmp', getVariables({ store: trained }), {
    prefix: 'model.ckpt',
    store: fileStore,
  });

  const [v1, v2] = model(fresh, 0, 0);
  const all = await restore(ckpt, getVariables({ store: fresh }), { store: fileStore }); // Saver()
  expectClose('v1 after restoring all', v1.dataSync()[0] as number, 1);
  expectClose('v2 after restoring all', v2.dataSync()[0] as number, 2);

  tf.tidy(() => {
    v1.assign(tf.zeros([2]));
    v2.assign(tf.zeros([3]));
  });
  const some = await restore(ckpt, [v1, v2], { store: fileStore }); // Saver([v1, v2])
  expectClose('v1 after restoring [v1, v2]', v1.dataSync()[0] as number, 1);
  expectClose('v2 after restoring [v1, v2]', v2.dataSync()[0] as number, 2);
  trained.dispose();
  fresh.dispose();
  return { restoredAll: all.restored, restoredSome: some.restored };
}
