import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tools/scripts/tsup-config.mjs';

// Two builds of one surface: index (Node: worker threads) and index.browser (the `browser`
// export condition: enableWasmThreads only declines).
export default defineConfig({
  ...libraryConfig(),
  entry: ['src/index.ts', 'src/index.browser.ts'],
});
