// slim's fine-tuning recipe: save a trained VGG-16, restore all but fc8 into one with another
// number of classes (on cpu: the two stores stay in JS memory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { RestoreError, assignFromCheckpointFn, restore, saveCheckpoint } from '@tfslim/checkpoint';
import { VariableStore, argScope, getVariablesToRestore } from '@tfslim/variables';
import { vgg16, vggArgScope } from './index.js';
import { expectedVariables } from '../test/reference.js';

const sameBytes = (a: tf.TypedArray, b: tf.TypedArray): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );

describe('fine-tuning vgg16 from a checkpoint (cpu)', () => {
  let dir: string;
  let image: tf.Tensor4D;
  let pretrained: VariableStore;
  let prefix: string;
  /** fc7 of the pre-trained net on `image`. */
  let pretrainedFc7: tf.TypedArray;

  const evaluate = (store: VariableStore, numClasses: number) =>
    tf.tidy(() => {
      const { net, endPoints } = argScope(vggArgScope(), () =>
        vgg16(image, { numClasses, fcConvPadding: 'SAME', isTraining: false, store }),
      );
      return { shape: net.shape, fc7: endPoints['vgg_16/fc7']?.dataSync() ?? new Float32Array() };
    });

  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
    dir = mkdtempSync(join(tmpdir(), 'nets-vgg-finetune-'));
    image = tf.randomUniform([1, 32, 32, 3], 0, 255, 'float32', 11);
    pretrained = new VariableStore();
    pretrainedFc7 = evaluate(pretrained, 10).fc7;
    prefix = await saveCheckpoint(dir, pretrained.namedVariables(), { globalStep: 1000 });
  });
  afterAll(() => {
    pretrained.dispose();
    image.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores everything but fc8 into a 5-class net (all of it is refused); fc8 keeps its values', async () => {
    const store = new VariableStore();
    try {
      const before = evaluate(store, 5);
      expect(before.shape).toEqual([1, 5]);
      expect(sameBytes(before.fc7, pretrainedFc7)).toBe(false);
      const fc8 = store.get('vgg_16/fc8/weights')?.dataSync().slice();
      const conv1 = store.get('vgg_16/conv1/conv1_1/weights')?.dataSync().slice();

      // Everything, fc8 included, is refused before any variable changes.
      const error = await restore(prefix, store.namedVariables()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RestoreError);
      expect((error as RestoreError).message).toMatch(
        /"vgg_16\/fc8\/weights" variable \[1,1,4096,5\] vs checkpoint \[1,1,4096,10\]/,
      );
      expect(store.get('vgg_16/conv1/conv1_1/weights')?.dataSync()).toEqual(conv1);

      const toRestore = getVariablesToRestore({ store, exclude: ['vgg_16/fc8'] });
      // Keyed by slim name: a second store's tfjs names carry a store prefix.
      const byName = Object.fromEntries(toRestore.map((v) => [store.nameOf(v), v]));
      const initFn = assignFromCheckpointFn(prefix, byName);
      if (initFn === null) throw new Error('assignFromCheckpointFn returned null');
      const report = await initFn();

      const kept = expectedVariables('vgg_16', 5)
        .map(([n]) => n)
        .filter((n) => !n.startsWith('vgg_16/fc8/'));
      expect(Object.keys(byName)).toEqual(kept);
      expect(report.restored).toEqual(kept);
      expect([...report.unusedInCheckpoint].sort()).toEqual([
        'global_step',
        'vgg_16/fc8/biases',
        'vgg_16/fc8/weights',
      ]);
      for (const name of kept) {
        const restored = store.get(name)?.dataSync();
        const original = pretrained.get(name)?.dataSync();
        if (!restored || !original) throw new Error(`missing ${name}`);
        expect([name, sameBytes(restored, original)]).toEqual([name, true]);
      }
      expect(store.get('vgg_16/fc8/weights')?.dataSync()).toEqual(fc8);

      // The restored features are the pre-trained net's.
      const after = evaluate(store, 5);
      expect(after.shape).toEqual([1, 5]);
      expect(sameBytes(after.fc7, pretrainedFc7)).toBe(true);
    } finally {
      store.dispose();
    }
  });
});
