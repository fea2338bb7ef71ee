// The README's example runs as written, prints exactly the output the README shows, and
// leaves no tensor behind.
import * as tf from '@tensorflow/tfjs-core';
import { codeBlocks, promisedOutput, readReadme, runExample } from '@tfslim-internal/testing';

it('README example prints what the README says', async () => {
  const readme = readReadme(__dirname);
  const [example] = codeBlocks(readme, 'js');
  expect(example).toBeDefined();
  expect(await runExample(example!, require)).toEqual(promisedOutput(readme));
  expect(tf.memory().numTensors).toBe(0);
});
