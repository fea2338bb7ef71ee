// Runs every sample of TF-Slim's README ported here; each one throws when a number differs
// from the one slim's sample implies.
import { readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';

const SAMPLES = readdirSync(__dirname)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();

describe("TF-Slim's README, ported", () => {
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
  });

  it('has a sample per README section', () => {
    expect(SAMPLES).toEqual([
      'evaluate-once',
      'evaluation-loop',
      'fine-tune-vgg16',
      'init-from-checkpoint',
      'losses-custom',
      'losses-multi-task',
      'losses-single-task',
      'metrics-aggregate',
      'metrics-streaming',
      'metrics-tracking',
      'restore-all',
      'restore-name-map',
      'restore-partial',
      'training-loop',
      'training-vgg16',
    ]);
  });

  it.each(SAMPLES)("%s gives slim's numbers", async (name) => {
    const sample = (await import(`./${name}.js`)) as { main: () => Promise<unknown> };
    const before = tf.memory().numTensors;
    await sample.main();
    expect(tf.memory().numTensors).toBe(before);
  });
});
