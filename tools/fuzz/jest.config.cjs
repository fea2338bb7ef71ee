module.exports = {
  ...require('../../jest.preset.cjs'),
  rootDir: __dirname,
  displayName: 'fuzz',
  // A long run (`npm run fuzz -- --count 5000`) goes through this same test.
  testTimeout: 3600000,
};
