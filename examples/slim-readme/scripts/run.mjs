// Runs one sample: `npm run sample -- losses-single-task` bundles src/<name>.ts with esbuild
// into dist/ (workspace packages stay imports of their built dist/) and calls its main().
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const name = process.argv[2];
const samples = readdirSync(join(root, 'src'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
if (!samples.includes(name)) {
  console.error(
    `run: expected a sample name, got ${JSON.stringify(name)}. One of: ${samples.join(', ')}.`,
  );
  process.exit(2);
}
// Beside the package, so the bundle's imports resolve from its node_modules.
const out = join(root, 'dist', `${name}.mjs`);
await build({
  stdin: { contents: `export { main } from './src/${name}.ts';`, resolveDir: root, loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outfile: out,
  logLevel: 'warning',
});
const { main } = await import(pathToFileURL(out).href);
console.log(JSON.stringify(await main(), null, 2));
