import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tools/scripts/tsup-config.mjs';

// Two builds of one surface: index (Node: jpeg-js/pngjs or tfjs-node decode images) and
// index.browser (the browser's decoder; no Node built-in).
export default defineConfig({
  ...libraryConfig(),
  entry: ['src/index.ts', 'src/index.browser.ts'],
});
