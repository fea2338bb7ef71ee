// Save and restore key an array of store variables by their slim names.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { MemoryFileStore } from '@tfslim/storage';
import { VariableStore, getVariablesToRestore, variable, variableScope } from '@tfslim/variables';
import { testBackends } from '@tfslim-internal/testing';
import {
  CheckpointReader,
  assignFromCheckpointFn,
  mapVariableNames,
  restore,
  saveCheckpoint,
} from './index.js';

function model(store: VariableStore, fill: number): void {
  variableScope('net', () => variable('w', { shape: [2], initializer: fill }), { store });
}

// Two models in one process: the second store's tfjs names carry a prefix
// ('tfslim_store_3/net/w'); checkpoints must see the slim names ('net/w') TF would write.
describe.each(testBackends())('variable arrays are keyed by slim names on %s', (backend) => {
  let first: VariableStore;
  let second: VariableStore;
  let files: MemoryFileStore;
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });
  beforeEach(() => {
    first = new VariableStore();
    second = new VariableStore();
    files = new MemoryFileStore();
    model(first, 1);
    model(second, 2);
  });
  afterEach(() => {
    first.dispose();
    second.dispose();
  });

  // slim:
  //   saver = tf.train.Saver(slim.get_variables_to_restore())
  //   saver.save(sess, '/ckpt/model.ckpt'); ... saver.restore(sess, '/ckpt/model.ckpt')
  it('saveCheckpoint and restore(ckpt, getVariablesToRestore({store})) use net/w', async () => {
    expect(second.get('net/w')!.name).not.toBe('net/w'); // the tfjs name has a prefix
    const ckpt = await saveCheckpoint('/ckpt', getVariablesToRestore({ store: second }), {
      store: files,
    });
    const reader = await CheckpointReader.open(ckpt, { store: files });
    expect(reader.listVariables().map((v) => v.name)).toEqual(['net/w']);

    const report = await restore(ckpt, getVariablesToRestore({ store: first }), { store: files });
    expect(report.restored).toEqual(['net/w']);
    expect(Array.from(await first.get('net/w')!.data())).toEqual([2, 2]);

    second.get('net/w')!.assign(tf.zeros([2]));
    const initFn = assignFromCheckpointFn(ckpt, getVariablesToRestore({ store: second }), {
      store: files,
    });
    await initFn!();
    expect(Array.from(await second.get('net/w')!.data())).toEqual([2, 2]);
    expect(
      Object.keys(mapVariableNames(getVariablesToRestore({ store: second }), (n) => n)),
    ).toEqual(['net/w']);
  });
});
