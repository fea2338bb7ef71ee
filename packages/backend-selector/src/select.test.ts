// selectBackend: the order candidates are tried in, what each rejection says, and its failures.
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BackendUnavailableError } from './errors.js';
import { selectBackend } from './select.js';
import type { ModuleLoader } from './types.js';

// Stand-ins for the native packages, which cannot be installed on CI machines. Each registers a
// 'tensorflow' backend the way tfjs-node does, with the flags NodeJSKernelBackend exposes.
function fakeNativeModule(flags: {
  isGPUPackage: boolean;
  isUsingGpuDevice: boolean;
}): ModuleLoader {
  return async () => {
    tf.registerBackend('tensorflow', () => Object.assign(new MathBackendCPU(), flags));
    return {};
  };
}
const notInstalled =
  (pkg: string): ModuleLoader =>
  async () => {
    throw Object.assign(new Error(`Cannot find module '${pkg}'`), { code: 'MODULE_NOT_FOUND' });
  };
const throwsAtImport: ModuleLoader = async () => {
  throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');
};

afterEach(async () => {
  if (tf.findBackendFactory('tensorflow') != null) tf.removeBackend('tensorflow');
  await tf.setBackend('cpu');
});

describe('selectBackend with injected native modules', () => {
  it('chooses tensorflow-gpu when the CUDA build really uses a GPU', async () => {
    const report = await selectBackend({
      env: {},
      loaders: {
        'tensorflow-gpu': fakeNativeModule({ isGPUPackage: true, isUsingGpuDevice: true }),
      },
    });
    expect(report).toMatchObject({
      backend: 'tensorflow-gpu',
      tfBackendName: 'tensorflow',
      gpu: true,
      rejected: [],
      gradientsRegistered: true,
    });
    expect(tf.getBackend()).toBe('tensorflow');
  });

  it('rejects a GPU package that silently runs on the CPU, then uses it as native CPU', async () => {
    const report = await selectBackend({
      env: {},
      loaders: {
        'tensorflow-gpu': fakeNativeModule({ isGPUPackage: true, isUsingGpuDevice: false }),
        tensorflow: notInstalled('@tensorflow/tfjs-node'),
      },
    });
    expect(report.backend).toBe('tensorflow');
    expect(report.gpu).toBe(false);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]?.candidate).toBe('tensorflow-gpu');
    expect(report.rejected[0]?.reason).toMatch(/no usable CUDA device.*CUDA 11\.2 and cuDNN 8\.1/);
  });

  it('records an import failure and an absent package as reasons, then falls back to wasm', async () => {
    const report = await selectBackend({
      env: {},
      loaders: {
        'tensorflow-gpu': throwsAtImport,
        tensorflow: notInstalled('@tensorflow/tfjs-node'),
      },
    });
    expect(report.backend).toBe('wasm');
    expect(report.simd).toBe(true);
    expect(typeof report.threads).toBe('boolean');
    expect(report.rejected).toEqual([
      {
        candidate: 'tensorflow-gpu',
        reason: expect.stringMatching(/tfjs-node-gpu failed to load: libtensorflow\.so\.2/),
      },
      { candidate: 'tensorflow', reason: '@tensorflow/tfjs-node is not installed' },
    ]);
  });

  it('rejects the CPU build offered as the GPU candidate', async () => {
    const report = await selectBackend({
      env: {},
      prefer: ['tensorflow-gpu', 'cpu'],
      loaders: {
        'tensorflow-gpu': fakeNativeModule({ isGPUPackage: false, isUsingGpuDevice: false }),
      },
    });
    expect(report.backend).toBe('cpu');
    expect(report.rejected.find((r) => r.candidate === 'tensorflow-gpu')?.reason).toMatch(
      /CPU build/,
    );
    expect(report.rejected.find((r) => r.candidate === 'wasm')?.reason).toBe(
      'not tried: not in options.prefer',
    );
  });
});

describe('selectBackend with the real packages of this machine', () => {
  it('selects wasm with SIMD when native TensorFlow is absent', async () => {
    // tfjs-node may be installed here (native.test.ts selects it): hide it.
    const report = await selectBackend({
      env: {},
      loaders: { tensorflow: notInstalled('@tensorflow/tfjs-node') },
    });
    expect(report.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(report.rejected.map((r) => r.candidate)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(report.rejected[0]?.reason).toMatch(/tfjs-node-gpu is not installed/);
    const y = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync());
    expect(y).toEqual([4, 6]);
  });

  it('selects cpu when required, without tfjs’s "install tfjs-node" banner', async () => {
    const report = await selectBackend({ require: 'cpu', env: {} });
    expect(report.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    // the banner prints on the cpu backend's first write while `firstUse` is true
    expect((tf.findBackend('cpu') as unknown as { firstUse: boolean }).firstUse).toBe(false);
  });

  it('follows the prefer order', async () => {
    const report = await selectBackend({ prefer: ['cpu', 'wasm'], env: {} });
    expect(report.backend).toBe('cpu');
  });

  it('lets TFSLIM_BACKEND override options', async () => {
    const report = await selectBackend({ require: 'wasm', env: { TFSLIM_BACKEND: 'cpu' } });
    expect(report.backend).toBe('cpu');
  });

  it('keeps stock wasm kernels when TFSLIM_WASM_KERNELS=stock', async () => {
    const report = await selectBackend({
      require: 'wasm',
      env: { TFSLIM_WASM_KERNELS: 'stock' },
    });
    expect(report.replacedKernels).toEqual([]);
  });
});

describe('selectBackend failures', () => {
  it('fails loudly, with the reason, when the required backend is absent', async () => {
    const attempt = selectBackend({ require: 'tensorflow-gpu', env: {} });
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(selectBackend({ require: 'tensorflow-gpu', env: {} })).rejects.toThrow(
      /expected backend 'tensorflow-gpu' \(require: 'tensorflow-gpu'\), but none can be used here:\n {2}- tensorflow-gpu: @tensorflow\/tfjs-node-gpu is not installed\nInstall/,
    );
  });

  it('names TFSLIM_BACKEND as the source when the environment asked', async () => {
    const attempt = selectBackend({
      env: { TFSLIM_BACKEND: 'tensorflow' },
      loaders: { tensorflow: notInstalled('@tensorflow/tfjs-node') },
    });
    await expect(attempt).rejects.toThrow(/TFSLIM_BACKEND=tensorflow/);
  });

  it('rejects an unknown backend name with the list of valid ones', async () => {
    await expect(selectBackend({ env: { TFSLIM_BACKEND: 'webgpu' } })).rejects.toThrow(
      "selectBackend: expected TFSLIM_BACKEND to be one of tensorflow-gpu, tensorflow, wasm, cpu, got 'webgpu'.",
    );
  });

  it('rejects a thread count that is not a whole number >= 1', async () => {
    await expect(selectBackend({ env: { TFSLIM_WASM_THREADS: 'many' } })).rejects.toThrow(
      'selectBackend: expected TFSLIM_WASM_THREADS to be true or a whole number of threads >= 1, got "many".',
    );
  });

  it('lists every reason when no preferred backend works', async () => {
    const attempt = selectBackend({
      prefer: ['tensorflow-gpu', 'tensorflow'],
      env: {},
      loaders: {
        'tensorflow-gpu': throwsAtImport,
        tensorflow: notInstalled('@tensorflow/tfjs-node'),
      },
    });
    await expect(attempt).rejects.toThrow(
      /tensorflow-gpu: .*libtensorflow[\s\S]*tensorflow: .*not installed/,
    );
  });
});
