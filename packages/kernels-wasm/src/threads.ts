// Large GEMMs split over worker threads (Node only): inputs copied into a shared
// WebAssembly.Memory every thread's kernels import, the GEMM split by rows or columns.
import type * as Os from 'node:os';
import type * as WorkerThreads from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs-core';
import type { Exec } from './exec.js';
import { A_STRIDED, type KernelContext, type KernelExports, sharedModule } from './module.js';
import { KernelBackendError } from './errors.js';

/** Ints per worker in the control block, and the fields of one slot. */
const SLOT = 64;
const SEQ = 0;
const DONE = 1;
const HAS_CONV = 2;
const CONV = 3; // 14 ints: setConv's arguments
const GEMM = 17; // 14 ints: gemm's arguments
const STATUS = 31;
const READY = 32;
const MAX_THREADS = 8;
const PAGE = 65536;
/** The pool's shared memory may grow to 2 GiB (the build accepts up to 4 GiB). */
const POOL_MAX_PAGES = 32768;
/** Rows (or columns) per thread are rounded to the microkernel's tile. */
const MR = 4;
const NR = 8;
const WAIT_SLICE_MS = 1000;
const WAIT_LIMIT_MS = 120000;

// Runs in each worker (CommonJS, `eval: true`): instantiate on the shared memory, then wait for
// jobs on this worker's slot. Errors are reported through STATUS, never thrown.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, slot, scratch } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
k.setScratch(scratch);
const ctl = new Int32Array(memory.buffer, 0, ${SLOT * MAX_THREADS});
Atomics.store(ctl, slot + ${READY}, 1);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, slot + ${SEQ}, seen);
  const seq = Atomics.load(ctl, slot + ${SEQ});
  if (seq === seen) continue;
  seen = seq;
  let status = 0;
  try {
    if (ctl[slot + ${HAS_CONV}]) k.setConv(...ctl.subarray(slot + ${CONV}, slot + ${CONV + 14}));
    k.gemm(...ctl.subarray(slot + ${GEMM}, slot + ${GEMM + 14}));
  } catch (e) {
    status = 1;
  }
  ctl[slot + ${STATUS}] = status;
  Atomics.store(ctl, slot + ${DONE}, seq);
  Atomics.notify(ctl, slot + ${DONE});
}
`;

/** Internal knobs (tests and benchmarks): threads in all, and the smallest GEMM worth them. */
export interface ThreadOptions {
  threads: number;
  minFlops: number;
}

type GemmArgs = Parameters<KernelExports['gemm']>;
type ConvArgs = Parameters<KernelExports['setConv']>;

interface Pool {
  memory: WebAssembly.Memory;
  main: KernelExports;
  parallel: KernelExports;
  ctl: Int32Array;
  workers: WorkerThreads.Worker[];
  arenaBase: number;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

function defaultThreads(): number {
  if (!isNode()) return 1;
  const env = process.env?.['TFSLIM_WASM_KERNEL_THREADS'];
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1) return Math.min(n, MAX_THREADS);
  }
  return 0; // decided from the core count once node:os is loaded
}

let options: ThreadOptions = { threads: defaultThreads(), minFlops: 2 ** 25 };
let pool: Pool | undefined;
let starting: Promise<void> | undefined;
let broken = false;
/** Calls served on the shared memory (internal: tests check the threaded path ran). */
export const threadStats = { calls: 0 };

/** Changes the thread options (internal). A different thread count restarts the pool. */
export function configureThreads(next: Partial<ThreadOptions>): void {
  const threads = Math.min(next.threads ?? options.threads, MAX_THREADS);
  // One thread only switches the pool off; another count of threads needs a new pool.
  if (threads > 1 && pool && pool.workers.length + 1 !== threads) stopThreads();
  if (threads === 0 && pool) stopThreads();
  options = { threads, minFlops: next.minFlops ?? options.minFlops };
}

/** Terminates the worker threads (internal; the process can exit without it). */
export function stopThreads(): void {
  for (const w of pool?.workers ?? []) void w.terminate();
  pool = undefined;
  starting = undefined;
  broken = false;
}

/** Bytes of the shared memory (internal: tests check it stops growing). */
export function sharedMemoryBytes(): number {
  return pool?.memory.buffer.byteLength ?? 0;
}

/** Jobs the workers have finished since they started (internal, for tests). */
export function workerJobs(): number {
  let jobs = 0;
  for (let w = 1; w <= (pool?.workers.length ?? 0); w++)
    jobs += Atomics.load(pool!.ctl, w * SLOT + DONE);
  return jobs;
}

/** How many threads serve large GEMMs now (1: the calling thread only). */
export function activeThreads(): number {
  if (!pool || broken) return 1;
  let ready = 1;
  for (let w = 1; w <= pool.workers.length; w++) {
    if (Atomics.load(pool.ctl, w * SLOT + READY) === 1) ready++;
  }
  return ready;
}

/** Starts the worker pool in the background (Node only; no-op for one thread). */
export function startThreads(): Promise<void> {
  if (!isNode() || options.threads === 1 || typeof SharedArrayBuffer === 'undefined') {
    return Promise.resolve();
  }
  starting ??= createPool().then(
    (p) => {
      pool = p;
    },
    () => {
      broken = true;
    },
  );
  return starting;
}

// Specifiers in variables: bundlers must not try to resolve Node built-ins for browsers.
const WORKER_THREADS = 'node:worker_threads';
const OS = 'node:os';

async function createPool(): Promise<Pool> {
  const wt = (await import(/* webpackIgnore: true */ WORKER_THREADS)) as typeof WorkerThreads;
  let threads = options.threads;
  if (threads === 0) {
    const os = (await import(/* webpackIgnore: true */ OS)) as typeof Os;
    const cores =
      typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    threads = Math.max(1, Math.min(cores, MAX_THREADS));
  }
  const module = await sharedModule();
  const memory = new WebAssembly.Memory({ initial: 1, maximum: POOL_MAX_PAGES, shared: true });
  const main = new WebAssembly.Instance(module, { env: { memory } })
    .exports as unknown as KernelExports;
  const scratchBytes = align(main.scratchBytes());
  const scratchBase = align(SLOT * MAX_THREADS * 4);
  const arenaBase = scratchBase + scratchBytes * threads;
  grow(memory, arenaBase + (16 << 20));
  main.setScratch(scratchBase);
  const ctl = new Int32Array(memory.buffer, 0, SLOT * MAX_THREADS);
  const workers: WorkerThreads.Worker[] = [];
  for (let w = 1; w < threads; w++) {
    const worker = new wt.Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module, memory, slot: w * SLOT, scratch: scratchBase + scratchBytes * w },
    });
    worker.unref();
    worker.on('error', () => {
      broken = true;
    });
    workers.push(worker);
  }
  const p: Pool = { memory, main, parallel: main, ctl, workers, arenaBase };
  p.parallel = parallelKernels(p);
  return p;
}

function align(n: number): number {
  return Math.ceil(n / 64) * 64;
}

function grow(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
}

/** The kernels with gemm split over the ready threads; setConv is forwarded with each job. */
function parallelKernels(p: Pool): KernelExports {
  let conv: ConvArgs | undefined;
  const main = p.main;
  return {
    scratchBytes: () => main.scratchBytes(),
    setScratch: (base) => main.setScratch(base),
    col2im: (...args) => main.col2im(...args),
    flipFilter: (...args) => main.flipFilter(...args),
    epilogue: (...args) => main.epilogue(...args),
    winogradFilter: (...args) => main.winogradFilter(...args),
    winogradInput: (...args) => main.winogradInput(...args),
    winogradOutput: (...args) => main.winogradOutput(...args),
    winogradDy: (...args) => main.winogradDy(...args),
    winogradFilterGrad: (...args) => main.winogradFilterGrad(...args),
    reluGrad: (...args) => main.reluGrad(...args),
    applyGradientDescent: (...args) => main.applyGradientDescent(...args),
    setConv: (...args) => {
      conv = args;
      main.setConv(...args);
    },
    gemm: (...args) => parallelGemm(p, args, conv),
  };
}

function split(args: GemmArgs, parts: number): GemmArgs[] {
  const [m0, M, N, K, amode, a, ars, acs, b, brs, bcs, c, ldc, acc] = args;
  const out: GemmArgs[] = [];
  if (M >= N || N < NR * parts) {
    const rows = Math.ceil(M / parts / MR) * MR;
    for (let r0 = 0; r0 < M; r0 += rows) {
      const r = Math.min(rows, M - r0);
      const aPart = amode === A_STRIDED ? a + r0 * ars * 4 : a;
      out.push([m0 + r0, r, N, K, amode, aPart, ars, acs, b, brs, bcs, c + r0 * ldc * 4, ldc, acc]);
    }
  } else {
    const cols = Math.ceil(N / parts / NR) * NR;
    for (let c0 = 0; c0 < N; c0 += cols) {
      const n = Math.min(cols, N - c0);
      out.push([m0, M, n, K, amode, a, ars, acs, b + c0 * bcs * 4, brs, bcs, c + c0 * 4, ldc, acc]);
    }
  }
  return out;
}

function parallelGemm(p: Pool, args: GemmArgs, conv: ConvArgs | undefined): void {
  const ready: number[] = [];
  for (let w = 1; w <= p.workers.length; w++) {
    if (Atomics.load(p.ctl, w * SLOT + READY) === 1) ready.push(w * SLOT);
  }
  const parts = broken ? [args] : split(args, ready.length + 1);
  const sent: Array<{ slot: number; seq: number; done: number; part: GemmArgs }> = [];
  for (let i = 1; i < parts.length; i++) {
    const slot = ready[i - 1]!;
    const part = parts[i]!;
    const { ctl } = p;
    ctl[slot + HAS_CONV] = conv ? 1 : 0;
    if (conv) ctl.set(conv, slot + CONV);
    ctl.set(part, slot + GEMM);
    const done = Atomics.load(ctl, slot + DONE);
    const seq = (Atomics.load(ctl, slot + SEQ) + 1) | 0 || 1;
    Atomics.store(ctl, slot + SEQ, seq);
    Atomics.notify(ctl, slot + SEQ);
    sent.push({ slot, seq, done, part });
  }
  if (parts[0]) p.main.gemm(...parts[0]);
  for (const { slot, seq, done, part } of sent) {
    const start = performance.now();
    let ok = true;
    while (Atomics.load(p.ctl, slot + DONE) !== seq) {
      Atomics.wait(p.ctl, slot + DONE, done, WAIT_SLICE_MS);
      if (performance.now() - start > WAIT_LIMIT_MS) {
        ok = false;
        break;
      }
    }
    if (!ok || p.ctl[slot + STATUS] !== 0) {
      // A worker failed or hung: do its part here, and stop using threads.
      broken = true;
      if (conv) p.main.setConv(...conv);
      p.main.gemm(...part);
    }
  }
}

const bytesOf = (t: tf.TensorInfo): number => t.shape.reduce((a, b) => a * b, 1) * 4;

/**
 * An Exec on the shared memory when threads are running, the call is worth them, and its
 * `bytes` (inputs, outputs and temporaries) fit; otherwise undefined.
 */
export function sharedExec(ctx: KernelContext, flops: number, bytes: number): Exec | undefined {
  if (broken || options.threads === 1 || flops < options.minFlops) return undefined;
  const p = pool;
  if (!p) {
    // The first large call starts the workers (a process that never runs one never has them);
    // it runs on the calling thread meanwhile.
    void startThreads();
    return undefined;
  }
  if (activeThreads() < 2) return undefined;
  const limit = POOL_MAX_PAGES * PAGE;
  if (p.arenaBase + bytes + 64 * 16 > limit) return undefined;
  grow(p.memory, p.arenaBase + bytes + 64 * 16);
  threadStats.calls++;
  const heap = () => ctx.backend.wasm.HEAPU8;
  const shared = new Uint8Array(p.memory.buffer);
  let top = p.arenaBase;
  const alloc = (n: number): number => {
    const ptr = top;
    top = align(top + Math.max(n, 16));
    if (top > shared.byteLength) {
      // eslint-disable-next-line no-restricted-syntax -- internal assert: the estimate covers every allocation
      throw new Error(`kernels-wasm: shared memory estimate too small (${bytes} bytes).`);
    }
    return ptr;
  };
  const inputs = new Map<tf.DataId, number>();
  const outputs: Array<[from: number, to: number, bytes: number]> = [];
  const offset = (t: tf.TensorInfo): number => {
    const data = ctx.backend.dataIdMap.get(t.dataId);
    if (!data) {
      throw new KernelBackendError('kernels-wasm: expected a tensor held by the wasm backend.');
    }
    return data.memoryOffset;
  };
  return {
    k: p.parallel,
    input: (t) => {
      const seen = inputs.get(t.dataId);
      if (seen !== undefined) return seen;
      const n = bytesOf(t);
      const ptr = alloc(n);
      const from = offset(t);
      shared.set(heap().subarray(from, from + n), ptr);
      inputs.set(t.dataId, ptr);
      return ptr;
    },
    output: (t) => {
      const n = bytesOf(t);
      const ptr = alloc(n);
      outputs.push([ptr, offset(t), n]);
      return ptr;
    },
    alloc,
    zero: (ptr, n) => {
      shared.fill(0, ptr, ptr + n);
    },
    finish: () => {
      const h = heap();
      for (const [from, to, n] of outputs) h.set(shared.subarray(from, from + n), to);
      outputs.length = 0;
    },
  };
}
