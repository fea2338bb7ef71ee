module.exports = {
  ...require('../../jest.preset.cjs'),
  rootDir: __dirname,
  displayName: 'interop',
  // Each suite starts TensorFlow (and TensorBoard) in Python processes.
  testTimeout: 600000,
};
