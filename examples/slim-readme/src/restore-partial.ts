// slim README, "Partially Restoring Models":
//   v1 = slim.variable(name="v1", ...)
//   v2 = slim.variable(name="nested/v2", ...)
//   # Get list of variables to restore (which contains only 'v2'). These are all equivalent:
//   variables_to_restore = slim.get_variables_by_name("v2")
//   variables_to_restore = slim.get_variables_by_suffix("2")
//   variables_to_restore = slim.get_variables(scope="nested")
//   variables_to_restore = slim.get_variables_to_restore(include=["nested"])
//   variables_to_restore = slim.get_variables_to_restore(exclude=["v1"])
//   restorer = tf.train.Saver(variables_to_restore)
//   restorer.restore(sess, "/tmp/model.ckpt")
import type * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { restore, saveCheckpoint } from '@tfslim/checkpoint';
import { MemoryFileStore } from '@tfslim/storage';
import {
  VariableStore,
  getVariables,
  getVariablesByName,
  getVariablesBySuffix,
  getVariablesToRestore,
  variable,
} from '@tfslim/variables';
import { expectClose } from './_check.js';

export async function main(): Promise<{ selections: string[][]; v1: number; v2: number }> {
  await selectBackend({ require: 'cpu', env: {} });
  const fileStore = new MemoryFileStore();
  const saved = new VariableStore();
  variable('v1', { shape: [1], initializer: 1, store: saved });
  variable('nested/v2', { shape: [1], initializer: 2, store: saved });
  const ckpt = await saveCheckpoint('/tmp', getVariables({ store: saved }), { store: fileStore });

  const store = new VariableStore();
  const v1 = variable('v1', { shape: [1], initializer: 0, store });
  const v2 = variable('nested/v2', { shape: [1], initializer: 0, store });
  const ways = [
    getVariablesByName('v2', { store }),
    getVariablesBySuffix('2', { store }),
    getVariables({ scope: 'nested', store }),
    getVariablesToRestore({ include: ['nested'], store }),
    getVariablesToRestore({ exclude: ['v1'], store }),
  ];
  const selections = ways.map((vars) => vars.map((v) => store.nameOf(v)));
  for (const s of selections) {
    if (s.length !== 1 || s[0] !== 'nested/v2')
      throw new Error(`expected ['nested/v2'], got ${JSON.stringify(s)}.`);
  }
  await restore(ckpt, ways[4] as tf.Variable[], { store: fileStore });
  const out = { selections, v1: v1.dataSync()[0] as number, v2: v2.dataSync()[0] as number };
  expectClose('v1 (not restored)', out.v1, 0);
  expectClose('nested/v2 (restored)', out.v2, 2);
  saved.dispose();
  store.dispose();
  return out;
}
