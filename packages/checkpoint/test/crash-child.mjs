// Child process of crash.test.ts: saves checkpoints in a loop until it is killed.
// argv: <bundled checkpoint module> <dir> <first step>
// Each tensor k of step s holds s + k / 8 everywhere, so the parent can tell garbage apart.
import { pathToFileURL } from 'node:url';

const [bundle, dir, first] = process.argv.slice(2);
const { saveCheckpoint, crc32cImplementation } = await import(pathToFileURL(bundle).href);
process.stdout.write(`crc ${await crc32cImplementation()}\n`);

const SIZES = [1, 1000, 65536, 200000, 7, 131072];
for (let step = Number(first); ; step++) {
  const vars = {};
  SIZES.forEach((n, k) => {
    vars[`layer${k}/weights`] = {
      dtype: 'float32',
      shape: [n],
      data: new Float32Array(n).fill(step + k / 8),
    };
  });
  await saveCheckpoint(dir, vars, { globalStep: step, maxToKeep: 3 });
  if (step === Number(first)) process.stdout.write('ready\n');
}
