/**
 * The pthread worker script, as a `data:` URL Node's `worker_threads.Worker` accepts.
 *
 * tfjs-backend-wasm hands emscripten a `blob:` URL for it, which Node refuses
 * (ERR_WORKER_PATH), and the file it ships as `wasm-out/…worker.js` is not a worker script but
 * a CommonJS module exporting the script's text (`wasmWorkerContents`). A `data:` URL (a URL
 * object, not a string: Node only takes `data:` that way) runs as an ES module, so it first
 * gives the browser-style worker script the CommonJS globals it expects (`require`,
 * `__filename`), then evaluates it unchanged. The worker later `importScripts`es the emscripten
 * glue by path (`gluePath`), the file tfjs-backend-wasm ships in `wasm-out/`.
 */
export function pthreadWorkerUrl(gluePath: string, workerContents: string): URL {
  // The script text was a template literal: its `"\n"` string escapes became real line breaks,
  // which are syntax errors inside string literals. tfjs-backend-wasm undoes it the same way
  // before making its blob.
  const script = workerContents.replace(/\n/g, '\\n');
  const source = [
    `import { createRequire } from 'node:module';`,
    `globalThis.require = createRequire(${JSON.stringify(gluePath)});`,
    `globalThis.__filename = ${JSON.stringify(gluePath)};`,
    `(0, eval)(${JSON.stringify(script)});`,
  ].join('\n');
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}
