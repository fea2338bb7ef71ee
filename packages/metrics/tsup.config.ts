import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tools/scripts/tsup-config.mjs';

// Two entries, '.' and './slim' (slim's `streaming*` aliases). Split chunks in both formats,
// so the entries share one copy of each class (`instanceof StreamingMetric` holds across them).
export default defineConfig({
  ...libraryConfig(),
  entry: ['src/index.ts', 'src/slim.ts'],
  splitting: true,
});
