// npm run fuzz -w @tfslim-internal/fuzz -- [--count N] [--seed S]: a long fuzz run; prints
// the table (mutants, typed errors, untyped errors, hangs, over-allocations, wrong data per
// format) and fails on anything but typed errors and correct reads.
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const count = Number(opt('count', '2000'));
const seed = Number(opt('seed', String(Date.now() % 1e9)));
if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(seed)) {
  console.error(`fuzz: expected --count and --seed positive integers, got ${args.join(' ')}.`);
  process.exit(2);
}
const r = spawnSync('npx', ['jest', '--runTestsByPath', 'src/fuzz.test.ts'], {
  cwd: dirname(fileURLToPath(import.meta.url)),
  stdio: 'inherit',
  env: { ...process.env, TFSLIM_FUZZ_COUNT: String(count), TFSLIM_FUZZ_SEED: String(seed) },
});
process.exit(r.status ?? 1);
