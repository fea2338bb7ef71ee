import { defineConfig } from 'vite';

// The workspace packages resolve through their exports maps' `browser` condition (Vite's
// default for client builds): no Node shims, no aliases.
export default defineConfig({
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  logLevel: 'warn',
});
