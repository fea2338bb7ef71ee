// Compiles assembly/ into src/generated/ before the tests import it (no-op when up to date).
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = function globalSetup() {
  execFileSync(process.execPath, [path.join(__dirname, 'build-wasm.mjs')], { stdio: 'inherit' });
};
