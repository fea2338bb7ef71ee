// Shared jest settings: TypeScript through swc (type checking is `tsc --noEmit`, a separate
// target), workspace packages resolved to their sources so tests need no build first.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    '^@tfslim/([a-z0-9-]+)$': path.join(__dirname, 'packages/$1/src/index.ts'),
    // A subpath entry ('@tfslim/metrics/slim') is src/<subpath>.ts.
    '^@tfslim/([a-z0-9-]+)/([a-z0-9-]+)$': path.join(__dirname, 'packages/$1/src/$2.ts'),
    '^@tfslim-internal/testing$': path.join(__dirname, 'tools/testing/src/index.ts'),
    // Sources import siblings as './x.js' (ESM rule); jest resolves the .ts file.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  globalSetup: path.join(__dirname, 'jest.setup.cjs'),
  // jest's own output, then one line of test counts per backend (cpu, wasm, tensorflow).
  reporters: ['default', path.join(__dirname, 'tools/testing/backend-reporter.cjs')],
  testTimeout: 60000,
};
