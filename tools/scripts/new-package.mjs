#!/usr/bin/env node
// Scaffolds packages/<name> with the layout every @tfslim package shares (see CONTRIBUTING.md).
// Usage: node tools/scripts/new-package.mjs <name> "<one-line description>"
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [name, description = ''] = process.argv.slice(2);
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('new-package: expected a kebab-case package name, e.g. "losses".');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, 'packages', name);
if (existsSync(join(dir, 'package.json'))) {
  console.error(`new-package: packages/${name} already exists; nothing written.`);
  process.exit(2);
}
mkdirSync(join(dir, 'src'), { recursive: true });

const pkg = {
  name: `@tfslim/${name}`,
  version: '0.0.0',
  description,
  license: 'Apache-2.0',
  type: 'module',
  sideEffects: false,
  repository: {
    type: 'git',
    url: 'git+https://github.com/tfslim/tfslim.git',
    directory: `packages/${name}`,
  },
  keywords: ['tensorflow', 'tfjs', 'tf-slim', 'machine-learning'],
  homepage: `https://github.com/tfslim/tfslim/tree/main/packages/${name}#readme`,
  bugs: { url: 'https://github.com/tfslim/tfslim/issues' },
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.ts',
  exports: {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
    './internal/*': null,
  },
  files: ['dist', 'src', '!src/**/*.test.ts', '!src/**/*.test-helpers.ts'],
  engines: { node: '>=20.19' },
  // Published from CI with a provenance statement (CONTRIBUTING.md, Releasing).
  publishConfig: { access: 'public', provenance: true },
  scripts: {
    build: 'tsup',
    typecheck: 'tsc --noEmit -p tsconfig.json',
    test: 'jest',
    'test:build': 'publint --strict && attw --pack . --profile node16',
  },
  peerDependencies: { '@tensorflow/tfjs-core': '^4.22.0' },
  devDependencies: { '@tensorflow/tfjs-core': '^4.22.0' },
};
const files = {
  'package.json': JSON.stringify(pkg, null, 2) + '\n',
  'tsconfig.json':
    JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src', 'test'] }, null, 2) +
    '\n',
  'tsup.config.ts': `import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tools/scripts/tsup-config.mjs';

export default defineConfig(libraryConfig());
`,
  'jest.config.cjs': `module.exports = {
  ...require('../../jest.preset.cjs'),
  rootDir: __dirname,
  displayName: '${name}',
};
`,
  'src/index.ts': `// Public surface of @tfslim/${name}: everything users may import is listed here.\nexport {};\n`,
  'README.md': `# @tfslim/${name}\n\n${description}\n\n\`\`\`sh\nnpm install @tfslim/${name} @tensorflow/tfjs-core\n\`\`\`\n`,
};
for (const [rel, text] of Object.entries(files)) writeFileSync(join(dir, rel), text);
// Leave the new package as `npm run lint` wants it.
spawnSync('npx', ['prettier', '--write', dir], { cwd: root, stdio: 'ignore' });
console.log(
  `packages/${name} created; run \`npm install\` at the root to link it, add a \`minor\` ` +
    `changeset for @tfslim/${name} (its first release), and \`npm run api:update\` once it builds.`,
);
