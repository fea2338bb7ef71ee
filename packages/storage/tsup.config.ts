import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tools/scripts/tsup-config.mjs';

// Two builds of one surface: index (Node: the file system) and index.browser (no Node built-in).
export default defineConfig({
  ...libraryConfig(),
  entry: ['src/index.ts', 'src/index.browser.ts'],
});
