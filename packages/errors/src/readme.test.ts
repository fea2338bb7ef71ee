// The README's example runs as written and prints exactly the output the README shows.
import { codeBlocks, promisedOutput, readReadme, runExample } from '@tfslim-internal/testing';

it('README example prints what the README says', async () => {
  const readme = readReadme(__dirname);
  const [example] = codeBlocks(readme, 'js');
  expect(example).toBeDefined();
  expect(await runExample(example!, require)).toEqual(promisedOutput(readme));
});
