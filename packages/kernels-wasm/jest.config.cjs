module.exports = {
  ...require('../../jest.preset.cjs'),
  rootDir: __dirname,
  displayName: 'kernels-wasm',
  // The kernels' wasm bytes are generated from assembly/ (gitignored): make sure they exist.
  globalSetup: '<rootDir>/scripts/jest-global-setup.cjs',
};
