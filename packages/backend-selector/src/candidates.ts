// The backend candidates: how each is loaded, started and checked before it is chosen.
import * as tf from '@tensorflow/tfjs-core';
import {
  keepProcessErrorHandlers,
  type WasmThreadsOptions,
  type WasmThreadsResult,
} from '@tfslim/kernels-wasm';
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

export const TFJS_NODE_GPU = '@tensorflow/tfjs-node-gpu';
export const TFJS_NODE = '@tensorflow/tfjs-node';

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

/** The first line of what tfjs warned while a backend failed to start (it warns, not throws). */
function firstWarning(warned: unknown[][]): string | undefined {
  for (const args of warned) {
    const text = args
      .map((a) => (a instanceof Error ? a.message : String(a)))
      .join(' ')
      .split('\n')[0]!
      .trim();
    if (text !== '' && !/^Initialization of backend \S+ failed$/.test(text)) return text;
  }
  return undefined;
}

async function activate(
  name: string,
  hint?: () => Promise<string | undefined>,
): Promise<string | undefined> {
  if (tf.findBackendFactory(name) == null) {
    return `the module loaded but registered no '${name}' backend with this copy of @tensorflow/tfjs-core (two tfjs-core versions installed? run \`npm ls @tensorflow/tfjs-core\`)`;
  }
  // tfjs reports a failed initialisation with console.warn and a false result: keep the
  // warning for the report instead of leaving it on the console.
  const warned: unknown[][] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warned.push(args);
  };
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    return `initialising the '${name}' backend threw: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    console.warn = warn;
  }
  if (ok) {
    for (const args of warned) warn(...args);
    return undefined;
  }
  const why = firstWarning(warned);
  const extra = hint ? await hint() : undefined;
  return `tfjs could not initialise the '${name}' backend${why ? `: ${why}` : ''}${extra ? `; ${extra}` : ''}`;
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
  const loaded: { mod?: unknown } = {};
  const loadFailure = await load('@tensorflow/tfjs-backend-wasm', async () => {
    loaded.mod = await loader();
  });
  if (loadFailure) return { ok: false, reason: loadFailure };
  keepProcessErrorHandlers('wasm');
  const warnings: string[] = [];
  if (settings.wasmPaths !== undefined) {
    const setWasmPaths = (loaded.mod as { setWasmPaths?: unknown } | undefined)?.setWasmPaths;
    if (typeof setWasmPaths === 'function') {
      (setWasmPaths as (p: string | Readonly<Record<string, string>>) => void)(settings.wasmPaths);
    } else {
      warnings.push('wasmPaths ignored: the wasm loader returned no setWasmPaths');
    }
  }
  if (settings.wasmThreads !== undefined) {
    const result = await settings.enableWasmThreads(settings.wasmThreads);
    if (!result.enabled) warnings.push(`wasm threads not enabled: ${result.reason ?? 'unknown'}`);
  }
  const activateFailure = await activate('wasm', () => settings.diagnoseWasm(settings.wasmPaths));
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

async function probeBrowserGpu(name: 'webgpu' | 'webgl', loader: ModuleLoader): Promise<Probe> {
  if (tf.findBackendFactory(name) == null) {
    const loadFailure = await load(`@tensorflow/tfjs-backend-${name}`, loader);
    if (loadFailure) return { ok: false, reason: loadFailure };
  }
  const activateFailure = await activate(name);
  if (activateFailure) return { ok: false, reason: activateFailure };
  return { ok: true, tfBackendName: name, gpu: true };
}

/** What the caller asked of the probes beyond loading, and what the platform provides. */
export interface ProbeSettings {
  /** Run the multi-threaded wasm binary (threads: default one per core); undefined: single thread. */
  wasmThreads?: { threads?: number };
  /** Where the wasm binaries are served (options.wasmPaths). */
  wasmPaths?: string | Readonly<Record<string, string>>;
  /** The platform's enableWasmThreads (Node: worker threads; browsers: refuses). */
  enableWasmThreads: (options: WasmThreadsOptions) => Promise<WasmThreadsResult>;
  /** Why wasm failed to start, when the platform can tell (browsers: the .wasm not served). */
  diagnoseWasm: (paths: ProbeSettings['wasmPaths']) => Promise<string | undefined>;
}

export const probes: Record<
  BackendCandidate,
  (loader: ModuleLoader, settings: ProbeSettings) => Promise<Probe>
> = {
  'tensorflow-gpu': probeTensorflowGpu,
  tensorflow: probeTensorflow,
  webgpu: (loader) => probeBrowserGpu('webgpu', loader),
  webgl: (loader) => probeBrowserGpu('webgl', loader),
  wasm: probeWasm,
  cpu: probeCpu,
};
