// Loads the AssemblyScript kernels module (per backend, or shared with worker threads).
import { KERNELS_WASM_BASE64, KERNELS_WASM_SHARED_BASE64 } from './generated/kernels-wasm.js';
import { backendMemory, type WasmBackend } from './wasm-backend.js';

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
  winogradDy(w: number, dy: number, t0: number, tiles: number, oc: number): void;
  winogradFilterGrad(m: number, dw: number, ic: number, oc: number): void;
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
  reluGrad(dy: number, y: number, out: number, n: number): void;
  applyGradientDescent(
    variable: number,
    delta: number,
    out: number,
    n: number,
    negAlpha: number,
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

/** The two builds: for an unshared memory (tfjs-backend-wasm's usual one) and a shared one. */
interface Compiled {
  plain: WebAssembly.Module;
  shared: WebAssembly.Module;
}

let compiled: Compiled | undefined;
let compiling: Promise<Compiled> | undefined;
/** Per backend: its kernels, or null when they cannot run on its memory (stock kernels then). */
const contexts = new WeakMap<object, KernelContext | null>();

/**
 * Compiles the kernels modules. Synchronous where the platform allows it (Node, workers);
 * browsers refuse synchronous compiles of modules over 4 KB on the main thread, so there it
 * compiles asynchronously and the stock kernels run until the promise settles.
 */
export function compileKernels(): Promise<void> {
  if (compiled) return Promise.resolve();
  if (!compiling) {
    const plain = decodeBase64(KERNELS_WASM_BASE64);
    const shared = decodeBase64(KERNELS_WASM_SHARED_BASE64);
    try {
      compiled = { plain: new WebAssembly.Module(plain), shared: new WebAssembly.Module(shared) };
      compiling = Promise.resolve(compiled);
    } catch {
      compiling = Promise.all([WebAssembly.compile(plain), WebAssembly.compile(shared)]).then(
        ([p, sh]) => (compiled = { plain: p, shared: sh }),
      );
    }
  }
  return compiling.then(() => undefined);
}

/** The compiled shared-memory build (worker threads), once compiled. */
export async function sharedModule(): Promise<WebAssembly.Module> {
  await compileKernels();
  return compiled!.shared;
}

/**
 * The kernels instantiated on `backend`'s own memory, or undefined while the modules are still
 * compiling or when they cannot link to that memory (the caller then runs the stock kernel).
 */
export function kernelsFor(backend: WasmBackend): KernelContext | undefined {
  const existing = contexts.get(backend);
  if (existing !== undefined) return existing ?? undefined;
  if (!compiled) return undefined;
  const memory = backendMemory(backend);
  let context: KernelContext | null = null;
  if (memory != null) {
    // tfjs-backend-wasm's threaded build (browsers with cross-origin isolation) shares its
    // memory: that needs the build that declares a shared memory.
    const isShared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    try {
      const module = isShared ? compiled.shared : compiled.plain;
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      const k = instance.exports as unknown as KernelExports;
      const raw = backend.wasm._malloc(k.scratchBytes() + 64) >>> 0;
      if (raw !== 0) {
        // Cache-line aligned: the microkernel's packed-panel loads then never split a line.
        k.setScratch((raw + 63) & ~63);
        context = { k, backend };
      }
    } catch {
      context = null; // a memory these builds cannot link to: keep the stock kernels
    }
  }
  contexts.set(backend, context);
  return context ?? undefined;
}
