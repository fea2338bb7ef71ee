import { defineConfig } from 'tsup';
import { cliConfig, libraryConfig } from '../../tools/scripts/tsup-config.mjs';

// Two builds of one surface: index (Node: tfjs-node, worker threads) and index.browser (the
// `browser` export condition: no Node built-in), plus the CLI.
export default defineConfig([
  { ...libraryConfig(), entry: ['src/index.ts', 'src/index.browser.ts'] },
  cliConfig(),
]);
