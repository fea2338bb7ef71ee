// Every @tfslim package bundles for the browser as published (its dist, through its exports
// map's `browser` condition) with esbuild --platform=browser and no shims: esbuild refuses an
// unresolvable Node built-in, and the metafile must not name one either.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const packagesDir = path.join(repo, 'packages');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (p) => p.startsWith('node:') || builtins.has(p) || builtins.has(p.split('/')[0]);

// Resolve as an app does (node_modules, exports maps), not through the monorepo's tsconfig
// `paths`, which point packages at their (Node) sources.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tfslim-bundle-'));
const tsconfig = path.join(tmp, 'tsconfig.json');
writeFileSync(tsconfig, '{}');
after(() => rmSync(tmp, { recursive: true, force: true }));

const packages = readdirSync(packagesDir)
  .filter((d) => existsSync(path.join(packagesDir, d, 'package.json')))
  .map((d) => JSON.parse(readFileSync(path.join(packagesDir, d, 'package.json'), 'utf8')))
  .filter((p) => !p.private);

test('there are packages to bundle', () => {
  assert.ok(packages.length >= 10, `found ${packages.map((p) => p.name)}`);
});

for (const pkg of packages) {
  test(`${pkg.name} bundles for the browser without Node built-ins`, async (t) => {
    const result = await esbuild.build({
      stdin: { contents: `export * from '${pkg.name}';`, resolveDir: repo, loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      metafile: true,
      minify: true,
      logLevel: 'silent',
      tsconfig,
    });
    const imported = [];
    for (const [file, input] of Object.entries(result.metafile.inputs)) {
      if (isBuiltin(file)) imported.push(file);
      for (const i of input.imports)
        if (isBuiltin(i.path)) imported.push(`${i.path} (from ${file})`);
    }
    assert.deepEqual(imported, [], `${pkg.name} pulls in Node built-ins`);
    const bytes = result.outputFiles[0].contents.length;
    t.diagnostic(
      `${pkg.name}: ${(bytes / 1024).toFixed(0)} KiB minified, ${Object.keys(result.metafile.inputs).length} inputs`,
    );
  });
}
