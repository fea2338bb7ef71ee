import * as tf from '@tensorflow/tfjs-core';
import { enableWasmThreads } from './threads/index.js';
import type { BackendCandidate, ModuleLoader } from './types.js';

/** What a candidate found when it was tried: ready to use, or refused with a reason. */
export type Probe =
  | {
      ok: true;
      tfBackendName: string;
      simd?: boolean;
      threads?: boolean;
      gpu?: boolean;
      warnings?: string[];
    }
  | { ok: false; reason: string };

// Specifiers held in variables so bundlers and tsc do not try to resolve optional packages.
const TFJS_NODE_GPU = '@tensorflow/tfjs-node-gpu';
const TFJS_NODE = '@tensorflow/tfjs-node';

export const defaultLoaders: Record<BackendCandidate, ModuleLoader> = {
  'tensorflow-gpu': () => import(/* webpackIgnore: true */ TFJS_NODE_GPU),
  tensorflow: () => import(/* webpackIgnore: true */ TFJS_NODE),
  wasm: () => import('@tensorflow/tfjs-backend-wasm'),
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};

function describeLoadError(pkg: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if ((code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && message.includes(pkg)) {
    return `${pkg} is not installed`;
  }
  return `${pkg} failed to load: ${message.split('\n')[0]}`;
}

async function load(pkg: string, loader: ModuleLoader): Promise<string | undefined> {
  try {
    await loader();
    return undefined;
  } catch (error) {
    return describeLoadError(pkg, error);
  }
}

async function activate(name: string): Promise<string | undefined> {
  if (tf.findBackendFactory(name) == null) {
    return `the module loaded but registered no '${name}' backend with this copy of @tensorflow/tfjs-core (two tfjs-core versions installed? run \`npm ls @tensorflow/tfjs-core\`)`;
  }
  try {
    const ok = await tf.setBackend(name);
    return ok ? undefined : `tfjs could not initialise the '${name}' backend`;
  } catch (error) {
    return `initialising the '${name}' backend threw: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Fields NodeJSKernelBackend exposes (tfjs-node 4.x) that tell the CUDA build and device apart. */
interface NativeBackendFlags {
  isGPUPackage?: unknown;
  isUsingGpuDevice?: unknown;
}

async function probeTensorflowGpu(loader: ModuleLoader): Promise<Probe> {
  const loadFailure = await load(TFJS_NODE_GPU, loader);
  if (loadFailure) return { ok: false, reason: loadFailure };
  const activateFailure = await activate('tensorflow');
  if (activateFailure) return { ok: false, reason: activateFailure };
  const flags = tf.backend() as unknown as NativeBackendFlags;
  if (flags.isGPUPackage === false) {
    return {
      ok: false,
      reason: `the 'tensorflow' backend that loaded is the CPU build (@tensorflow/tfjs-node), not the CUDA one`,
    };
  }
  if (flags.isUsingGpuDevice !== true) {
    // tfjs-node-gpu keeps running when libcudart/libcudnn are missing: TensorFlow just logs and
    // places every op on the CPU. That is the native CPU candidate, not a GPU one.
    return {
      ok: false,
      reason:
        `${TFJS_NODE_GPU} loaded but TensorFlow found no usable CUDA device and runs on the CPU ` +
        `(tfjs-node-gpu 4.x needs CUDA 11.2 and cuDNN 8.1 on LD_LIBRARY_PATH, and an NVIDIA driver)`,
    };
  }
  return { ok: true, tfBackendName: 'tensorflow', gpu: true };
}

async function probeTensorflow(loader: ModuleLoader): Promise<Probe> {
  // tfjs-node-gpu without CUDA already registered a working native CPU backend: use it.
  if (tf.findBackendFactory('tensorflow') == null) {
    const loadFailure = await load(TFJS_NODE, loader);
    if (loadFailure) return { ok: false, reason: loadFailure };
  }
  const activateFailure = await activate('tensorflow');
  if (activateFailure) return { ok: false, reason: activateFailure };
  const flags = tf.backend() as unknown as NativeBackendFlags;
  return { ok: true, tfBackendName: 'tensorflow', gpu: flags.isUsingGpuDevice === true };
}

async function probeWasm(loader: ModuleLoader, settings: ProbeSettings): Promise<Probe> {
  const loadFailure = await load('@tensorflow/tfjs-backend-wasm', loader);
  if (loadFailure) return { ok: false, reason: loadFailure };
  const warnings: string[] = [];
  if (settings.wasmThreads !== undefined) {
    const result = await enableWasmThreads(settings.wasmThreads);
    if (!result.enabled) warnings.push(`wasm threads not enabled: ${result.reason ?? 'unknown'}`);
  }
  const activateFailure = await activate('wasm');
  if (activateFailure) return { ok: false, reason: activateFailure };
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  return { ok: true, tfBackendName: 'wasm', simd, threads, warnings };
}

async function probeCpu(loader: ModuleLoader): Promise<Probe> {
  const loadFailure = await load('@tensorflow/tfjs-backend-cpu', loader);
  if (loadFailure) return { ok: false, reason: loadFailure };
  const activateFailure = await activate('cpu');
  if (activateFailure) return { ok: false, reason: activateFailure };
  // tfjs-backend-cpu prints an "install tfjs-node" banner on its first tensor in Node. The
  // report already says why each native candidate was refused, so the banner only misleads.
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu && cpu.firstUse === true) cpu.firstUse = false;
  return { ok: true, tfBackendName: 'cpu' };
}

/** What the caller asked of the probes beyond loading (today: wasm threads). */
export interface ProbeSettings {
  /** Run the multi-threaded wasm binary (threads: default one per core); undefined: single thread. */
  wasmThreads?: { threads?: number };
}

export const probes: Record<
  BackendCandidate,
  (loader: ModuleLoader, settings: ProbeSettings) => Promise<Probe>
> = {
  'tensorflow-gpu': probeTensorflowGpu,
  tensorflow: probeTensorflow,
  wasm: probeWasm,
  cpu: probeCpu,
};
