// The build every @tfslim package shares (TanStack-style: one place, each package's
// tsup.config.ts just calls it). ESM + CJS + .d.ts/.d.cts from src/index.ts.

/** The library build: `dist/index.{js,cjs,d.ts,d.cts}` with source maps. */
export function libraryConfig() {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
  };
}

/** A command-line program: a self-contained ESM file (tsup keeps the shebang). */
export function cliConfig(entry = 'src/cli.ts') {
  return { entry: { cli: entry }, format: ['esm'], sourcemap: true, target: 'es2022' };
}
