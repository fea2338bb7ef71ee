// The browser build's enableWasmThreads (the `browser` export condition) changes nothing.
import { enableWasmThreads } from './browser.js';

it('enableWasmThreads declines in a browser, saying why', async () => {
  await expect(enableWasmThreads({ threads: 4 })).resolves.toEqual({
    enabled: false,
    threads: 1,
    reason:
      'not running in Node (browsers: serve the page cross-origin isolated and use tfjs-backend-wasm as documented)',
  });
});
