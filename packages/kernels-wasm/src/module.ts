import { KERNELS_WASM_BASE64 } from './generated/kernels-wasm.js';
import { backendMemory, type WasmBackend } from './wasmBackend.js';

/** Exports of the AssemblyScript kernels module (see assembly/index.ts). */
export interface KernelExports {
  scratchBytes(): number;
  setScratch(base: number): void;
  gemm(
    m0: number,
    M: number,
    N: number,
    K: number,
    amode: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    ldc: number,
    accumulate: number,
  ): void;
  setConv(
    x: number,
    ih: number,
    iw: number,
    ic: number,
    oh: number,
    ow: number,
    fh: number,
    fw: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    pt: number,
    pl: number,
  ): void;
  col2im(cols: number, m0: number, rows: number, dx: number): void;
  flipFilter(w: number, dst: number, fh: number, fw: number, ci: number, co: number): void;
  winogradFilter(w: number, u: number, ic: number, oc: number): void;
  winogradInput(v: number, t0: number, tiles: number): void;
  winogradOutput(m: number, t0: number, tiles: number, y: number, oc: number): void;
  epilogue(
    c: number,
    M: number,
    N: number,
    ldc: number,
    bias: number,
    biasMode: number,
    act: number,
    alpha: number,
    prelu: number,
    preluMode: number,
  ): void;
}

/** Matches A_* in assembly/gemm.ts. */
export const A_STRIDED = 0;
export const A_IM2COL = 1;
export const A_IM2COL_T = 2;

/** The kernels bound to one wasm backend instance: same memory, persistent scratch. */
export interface KernelContext {
  k: KernelExports;
  backend: WasmBackend;
}

/** Bytes of a base64 string, in Node and browsers alike. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = globalThis.atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let compiled: WebAssembly.Module | undefined;
let compiling: Promise<WebAssembly.Module> | undefined;
const contexts = new WeakMap<object, KernelContext>();

/**
 * Compiles the kernels module. Synchronous where the platform allows it (Node, workers);
 * browsers refuse synchronous compiles of modules over 4 KB on the main thread, so there it
 * compiles asynchronously and the stock kernels run until the promise settles.
 */
export function compileKernels(): Promise<void> {
  if (compiled) return Promise.resolve();
  if (!compiling) {
    const bytes = decodeBase64(KERNELS_WASM_BASE64);
    try {
      compiled = new WebAssembly.Module(bytes);
      compiling = Promise.resolve(compiled);
    } catch {
      compiling = WebAssembly.compile(bytes).then((module) => (compiled = module));
    }
  }
  return compiling.then(() => undefined);
}

/**
 * The kernels instantiated on `backend`'s own memory, or undefined while the module is still
 * compiling (the caller then runs the stock kernel).
 */
export function kernelsFor(backend: WasmBackend): KernelContext | undefined {
  const existing = contexts.get(backend);
  if (existing) return existing;
  if (!compiled) return undefined;
  const memory = backendMemory(backend);
  if (memory == null) {
    throw new Error(
      `kernels-wasm: expected tfjs-backend-wasm's module to expose its WebAssembly.Memory (asm.memory), got none. Use @tensorflow/tfjs-backend-wasm 4.x or turn the kernels off with TFSLIM_WASM_KERNELS=stock.`,
    );
  }
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  const k = instance.exports as unknown as KernelExports;
  const raw = backend.wasm._malloc(k.scratchBytes() + 64) >>> 0;
  if (raw === 0) throw new Error('kernels-wasm: the wasm backend could not allocate scratch.');
  // Cache-line aligned: the microkernel's packed-panel loads then never split a line.
  k.setScratch((raw + 63) & ~63);
  const context: KernelContext = { k, backend };
  contexts.set(backend, context);
  return context;
}
