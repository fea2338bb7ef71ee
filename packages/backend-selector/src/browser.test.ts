// The browser build's selection, run in Node (selectBackendOn with the browser platform): GPU
// backends when registered, never tfjs-node, and the platform's diagnosis of a failed wasm start.
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BackendUnavailableError } from './errors.js';
import { browserPlatform } from './platform-browser.js';
import { selectBackendOn } from './select-core.js';
import { BROWSER_CANDIDATES } from './types.js';

afterEach(async () => {
  for (const name of ['webgl', 'webgpu', 'broken'])
    if (tf.findBackendFactory(name) != null) tf.removeBackend(name);
  await tf.setBackend('cpu');
});

describe('selectBackend in a browser', () => {
  it('tries webgpu, webgl, wasm, cpu; unregistered GPU backends are refused with how to add them', async () => {
    expect(browserPlatform.candidates).toEqual(BROWSER_CANDIDATES);
    const report = await selectBackendOn(browserPlatform, {});
    expect(report.backend).toBe('wasm');
    expect(report.rejected).toEqual([
      {
        candidate: 'webgpu',
        reason:
          "@tensorflow/tfjs-backend-webgpu failed to load: @tensorflow/tfjs-backend-webgpu is not registered: import '@tensorflow/tfjs-backend-webgpu' in the page before selectBackend to consider it",
      },
      {
        candidate: 'webgl',
        reason:
          "@tensorflow/tfjs-backend-webgl failed to load: @tensorflow/tfjs-backend-webgl is not registered: import '@tensorflow/tfjs-backend-webgl' in the page before selectBackend to consider it",
      },
    ]);
  });

  it('chooses webgl when the page registered it', async () => {
    // A stand-in registered under the name tfjs-backend-webgl uses.
    tf.registerBackend('webgl', () => new MathBackendCPU());
    const report = await selectBackendOn(browserPlatform, { prefer: ['webgl', 'cpu'] });
    expect(report).toMatchObject({ backend: 'webgl', tfBackendName: 'webgl', gpu: true });
    expect(tf.getBackend()).toBe('webgl');
    expect(report.rejected).toEqual([
      { candidate: 'webgpu', reason: 'not tried: not in options.prefer' },
      { candidate: 'wasm', reason: 'not tried: not in options.prefer' },
    ]);
  });

  it('never tries tfjs-node, and names the browser candidates when asked for another', async () => {
    await expect(selectBackendOn(browserPlatform, { require: 'tensorflow' })).rejects.toThrow(
      "selectBackend: expected options.require to be one of webgpu, webgl, wasm, cpu, got 'tensorflow'.",
    );
  });

  it('reports what tfjs warned when a backend fails to start, and the platform diagnosis for wasm', async () => {
    tf.registerBackend('webgl', () => {
      throw new Error('WebGL is not supported on this device');
    });
    const error = await selectBackendOn(browserPlatform, { require: 'webgl' }).catch((e) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toContain(
      "webgl: tfjs could not initialise the 'webgl' backend: Error: WebGL is not supported on this device",
    );
    const reason = await browserPlatform.diagnoseWasm('http://127.0.0.1:9/wasm/');
    expect(reason).toMatch(
      /^the wasm binary could not be fetched \(GET http:\/\/127\.0\.0\.1:9\/wasm\/tfjs-backend-wasm(-simd)?\.wasm: .*\); serve @tensorflow\/tfjs-backend-wasm\/dist\/\*\.wasm and pass wasmPaths$/,
    );
  });

  it('enableWasmThreads declines in a browser, saying why', async () => {
    await expect(browserPlatform.enableWasmThreads({ threads: 4 })).resolves.toEqual({
      enabled: false,
      threads: 1,
      reason:
        'not running in Node (browsers: serve the page cross-origin isolated and use tfjs-backend-wasm as documented)',
    });
  });
});
