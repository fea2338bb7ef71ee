#!/usr/bin/env node
// Type-checks every public package's built declarations (dist/*.d.ts and *.d.cts, every
// entry of its exports map) with `skipLibCheck: false`, as consumers compile them today:
//
//   compilers   TypeScript 5.x (the root `typescript`) and 7.x (@typescript/native-preview)
//   consumers   a page (bundler resolution, the `browser` condition, DOM, no @types/node),
//               and Node apps (nodenext, ESM and CJS) with no @types/node, @types/node 20
//               (the root's) and the latest (`types-node-latest`, an alias)
//
// Only errors in our files are reported (and fail): tfjs-core's own declarations do not
// compile under `skipLibCheck: false` on TypeScript 7 (`Long`, duplicate WebGPU types).
//
//   node tools/release/dts-check.mjs          runs in `npm test` (release's test:build)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageEntries } from './entries.mjs';
import { tscErrorCount, tscErrors } from './tsc-errors.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const packagesDir = path.join(root, 'packages');

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

const packages = fs
  .readdirSync(packagesDir)
  .filter((dir) => fs.existsSync(path.join(packagesDir, dir, 'package.json')))
  .map((dir) => ({ dir, pkg: readJson(path.join(packagesDir, dir, 'package.json')) }))
  .filter(({ pkg }) => !pkg.private);

for (const { dir } of packages) {
  if (!fs.existsSync(path.join(packagesDir, dir, 'dist', 'index.d.ts'))) {
    throw new Error(
      `dts-check: expected packages/${dir}/dist/index.d.ts, got none. Run \`npm run build\` first.`,
    );
  }
}

const version = (pkg) => readJson(path.join(root, 'node_modules', pkg, 'package.json')).version;
const compilers = [
  { name: `TypeScript ${version('typescript')}`, tsc: 'typescript/bin/tsc' },
  // TypeScript 7 as @typescript/native-preview (bin `tsgo`): the `typescript@7` package's `tsc`
  // bin would replace TypeScript 5's in node_modules/.bin, which tsup and typecheck need.
  {
    name: `TypeScript ${version('@typescript/native-preview')}`,
    tsc: '@typescript/native-preview/bin/tsgo',
  },
];

const nodeTypes = {
  none: null,
  [`@types/node ${readJson(path.join(root, 'node_modules/@types/node/package.json')).version}`]:
    path.join(root, 'node_modules/@types/node'),
  [`@types/node ${readJson(path.join(root, 'node_modules/types-node-latest/package.json')).version}`]:
    path.join(root, 'node_modules/types-node-latest'),
};

// Every entry of every package by name ('@tfslim/metrics', '@tfslim/metrics/slim'): the check
// files import each one's whole public surface.
const specifiers = packages.flatMap(({ pkg }) =>
  packageEntries(pkg).map(({ specifier }) => specifier),
);
const imports = (kind) =>
  specifiers
    .map((name, i) => `import type * as p${i} from '${name}';\nexport type { p${i} };`)
    .join('\n') + `\n// ${kind}\n`;

const common = {
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  target: 'es2022',
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
};

/** A consumer project: its files, tsconfig and the @types/node it sees (none: not installed). */
function consumer(tmp, name, types, compilerOptions, files) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, 'node_modules', '@tfslim'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'node_modules', '@tensorflow'), { recursive: true });
  for (const { dir: d, pkg } of packages) {
    fs.symlinkSync(path.join(packagesDir, d), path.join(dir, 'node_modules', pkg.name), 'dir');
  }
  fs.symlinkSync(
    path.join(root, 'node_modules/@tensorflow/tfjs-core'),
    path.join(dir, 'node_modules/@tensorflow/tfjs-core'),
    'dir',
  );
  if (types) {
    fs.mkdirSync(path.join(dir, 'node_modules', '@types'));
    fs.symlinkSync(types, path.join(dir, 'node_modules/@types/node'), 'dir');
  }
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: `dts-check-${name}`, private: true, type: 'module' }),
  );
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { ...common, ...compilerOptions, types: types ? ['node'] : [] },
      files: Object.keys(files),
    }),
  );
  return dir;
}

function tsc(compiler, project) {
  const t = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules', compiler.tsc), '-p', '.', '--pretty', 'false'],
      { cwd: project.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ output, status, ms: Date.now() - t }));
  });
}

async function pool(items, size, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: size }, worker));
  return results;
}

async function check(tmp) {
  const projects = [
    {
      name: 'page (bundler, browser condition, no @types/node)',
      dir: consumer(
        tmp,
        'page',
        null,
        {
          module: 'esnext',
          moduleResolution: 'bundler',
          customConditions: ['browser'],
          lib: ['es2022', 'dom'],
        },
        { 'page.ts': imports('page') },
      ),
    },
    ...Object.entries(nodeTypes).map(([label, types], i) => ({
      name: `node app (nodenext, esm and cjs, ${label === 'none' ? 'no @types/node' : label})`,
      dir: consumer(
        tmp,
        `node-${i}`,
        types,
        { module: 'nodenext', moduleResolution: 'nodenext' },
        { 'app.mts': imports('esm'), 'app.cts': imports('cjs') },
      ),
    })),
  ];
  const runs = compilers.flatMap((compiler) => projects.map((project) => ({ compiler, project })));
  const failures = [];
  // Two at a time (TypeScript 5 takes ~20 s a run); reports in a fixed order.
  const results = await pool(runs, 2, ({ compiler, project }) => tsc(compiler, project));
  results.forEach(({ output, status, ms }, i) => {
    const { compiler, project } = runs[i];
    const errors = tscErrors(
      output,
      project.dir,
      (file) => file.startsWith(packagesDir) || path.dirname(file) === project.dir,
    );
    const others = tscErrorCount(output) - errors.length;
    console.log(
      `${compiler.name}, ${project.name}: ${errors.length} error(s) in our declarations` +
        `${others > 0 ? ` (${others} in others' left out)` : ''} (${ms} ms)`,
    );
    // tsc exits 1 or 2 when it found errors, and prints none when it could not run at all.
    if (status !== 0 && !/ error TS/.test(output)) {
      failures.push(`${compiler.name} did not run (exit ${status}):\n${output}`);
    }
    for (const e of errors) failures.push(`${compiler.name}, ${project.name}:\n  ${e}`);
  });
  return failures;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-dts-'));
let failures;
try {
  failures = await check(tmp);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`\ndts-check: ${failures.length} problem(s) in @tfslim declarations:\n`);
  console.error(failures.join('\n'));
  console.error(
    '\nPublic types must compile for every consumer above: no Node types in them (define a minimal interface instead).',
  );
  process.exit(1);
}
console.log(`dts-check: every @tfslim declaration compiles for every consumer`);
