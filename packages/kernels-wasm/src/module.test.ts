// The kernels module links to a shared memory, or leaves the stock kernels in place.
import { A_STRIDED, compileKernels, kernelsFor } from './module';
import type { WasmBackend } from './wasm-backend';

/** A stand-in for BackendWasm over `memory`, with a bump allocator for malloc. */
function fakeBackend(memory: WebAssembly.Memory | undefined, heap: Uint8Array): WasmBackend {
  let top = 1024;
  return {
    wasm: {
      _malloc: (n: number) => {
        const p = top;
        top += Math.ceil(n / 64) * 64;
        return p;
      },
      _free: () => undefined,
      HEAPU8: heap,
      ...(memory ? { asm: { memory } } : {}),
    },
    dataIdMap: { get: () => undefined },
    makeOutput: () => {
      throw new Error('not used');
    },
  };
}

beforeAll(() => compileKernels());

it('links to a shared memory (tfjs-backend-wasm threaded build) and computes there', () => {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 1024, shared: true });
  const ctx = kernelsFor(fakeBackend(memory, new Uint8Array(memory.buffer)));
  expect(ctx).toBeDefined();
  const f = new Float32Array(memory.buffer);
  const [a, b, c] = [2 << 20, (2 << 20) + 4096, (2 << 20) + 8192]; // past the ~1.2 MB scratch
  // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]] -> C = [[19, 22], [43, 50]]
  f.set([1, 2, 3, 4], a / 4);
  f.set([5, 6, 7, 8], b / 4);
  ctx!.k.gemm(0, 2, 2, 2, A_STRIDED, a, 2, 1, b, 2, 1, c, 2, 0);
  expect(Array.from(f.subarray(c / 4, c / 4 + 4))).toEqual([19, 22, 43, 50]);
});

it('keeps the stock kernels for a backend whose memory it cannot find', () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  expect(kernelsFor(fakeBackend(undefined, new Uint8Array(memory.buffer)))).toBeUndefined();
  // A memory that is not the one HEAPU8 views is not trusted either.
  const other = new WebAssembly.Memory({ initial: 1 });
  expect(kernelsFor(fakeBackend(other, new Uint8Array(memory.buffer)))).toBeUndefined();
});
