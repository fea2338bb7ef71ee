// Test and benchmark harness: compiles src/wasm-threads/*.ts (and src/errors.ts, which they
// import) to plain ESM for `node` child processes
// (the wasm backend initialises once per process, so threads are tested in fresh children, and
// plain node cannot import .ts). Output goes under the package's node_modules/.cache so that
// bare imports (@tensorflow/*) resolve from the workspace exactly as the sources' do.
// Import it, or run it (`node transpile.mjs`: prints {"dir","index","module"} as JSON; the
// caller removes dir).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const threadsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(threadsDir, '..');
const packageRoot = join(srcDir, '..');

/** Sources to compile, relative to src/: the threads folder and the package's errors. */
function sources() {
  const threads = readdirSync(threadsDir)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => join('wasm-threads', file));
  return [...threads, 'errors.ts'];
}

/**
 * Writes the compiled sources to a fresh directory; returns file URLs of its index.js and
 * module.js (internal: createThreadedModule) and a cleanup function.
 */
export function transpileThreads() {
  const ts = createRequire(join(packageRoot, 'package.json'))('typescript');
  const cache = join(packageRoot, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, 'tfslim-threads-'));
  mkdirSync(join(out, 'wasm-threads'));
  for (const file of sources()) {
    const { outputText } = ts.transpileModule(readFileSync(join(srcDir, file), 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
      fileName: file,
    });
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
  return {
    dir: out,
    index: pathToFileURL(join(out, 'wasm-threads', 'index.js')).href,
    module: pathToFileURL(join(out, 'wasm-threads', 'module.js')).href,
    cleanup: () => rmSync(out, { recursive: true, force: true }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { dir, index, module } = transpileThreads();
  console.log(JSON.stringify({ dir, index, module }));
}
