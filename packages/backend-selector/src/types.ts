// The public types of selectBackend: candidates, options, reports and rejections.
/**
 * The runtimes tfslim can train on: native TensorFlow (Node), the browser's GPU (webgpu,
 * webgl: when their tfjs backend is registered), WASM-SIMD and plain JS.
 */
export type BackendCandidate =
  'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** The candidates tried in Node by default, fastest first. */
export const ALL_CANDIDATES: readonly BackendCandidate[] = [
  'tensorflow-gpu',
  'tensorflow',
  'wasm',
  'cpu',
];

/** The candidates tried in a browser by default (the `browser` build), fastest first. */
export const BROWSER_CANDIDATES: readonly BackendCandidate[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Why a candidate was not chosen. */
export interface Rejection {
  candidate: BackendCandidate;
  reason: string;
}

/** What `selectBackend` chose and why it turned the others down. */
export interface BackendReport {
  /** The candidate in use. */
  backend: BackendCandidate;
  /** The name tfjs knows the backend by (`tf.getBackend()`): 'tensorflow', 'wasm' or 'cpu'. */
  tfBackendName: string;
  /** wasm only: whether the SIMD build of the wasm binary runs. */
  simd?: boolean;
  /** wasm only: whether the multi-threaded wasm binary runs. */
  threads?: boolean;
  /** tensorflow-gpu only: true when TensorFlow really placed ops on a CUDA device. */
  gpu?: boolean;
  /** Candidates tried before (or instead of) this one, with the reason each was refused. */
  rejected: Rejection[];
  /** Always true: selection fails rather than returning a backend that cannot train. */
  gradientsRegistered: true;
  /**
   * Kernels the backend lacked that tfslim registered for it (e.g. Conv2DBackpropFilter on wasm;
   * ReluGrad, L2Loss and the in-place ApplyGradientDescent on tensorflow).
   */
  filledKernels: string[];
  /** Kernels replaced by faster tfslim implementations (wasm: @tfslim/kernels-wasm). */
  replacedKernels: string[];
  /** Things asked for that could not be had, e.g. wasm threads; empty when all went as asked. */
  warnings: string[];
  /** pickFastestBackend only: each timed candidate's milliseconds per step (the reason). */
  timings?: BackendTiming[];
}

/** How fast a candidate ran the work `pickFastestBackend` timed. */
export interface BackendTiming {
  /** The candidate timed. */
  candidate: BackendCandidate;
  /** Median over the rounds of the mean milliseconds per step. */
  msPerStep: number;
}

/**
 * How a candidate's module is brought in. The default loaders `import()` the npm package;
 * tests (and unusual setups such as a vendored tfjs-node) inject their own.
 */
export type ModuleLoader = () => Promise<unknown>;

export interface SelectBackendOptions {
  /**
   * Candidates to try, in this order. Default: {@link ALL_CANDIDATES} in Node,
   * {@link BROWSER_CANDIDATES} in a browser.
   */
  prefer?: readonly BackendCandidate[];
  /** Fail with every reason if this candidate cannot be had, instead of falling back. */
  require?: BackendCandidate;
  /** Replace how a candidate's module is loaded (testing, vendored builds). */
  loaders?: Partial<Record<BackendCandidate, ModuleLoader>>;
  /**
   * Environment to read `TFSLIM_BACKEND` and `TFSLIM_WASM_KERNELS` from. Default: `process.env`
   * when running under Node, else empty.
   */
  env?: Record<string, string | undefined>;
  /**
   * wasm only: 'fast' (default) installs @tfslim/kernels-wasm's SIMD kernels; 'stock' keeps
   * tfjs-backend-wasm's own. `TFSLIM_WASM_KERNELS=stock` sets this too.
   */
  wasmKernels?: 'fast' | 'stock';
  /**
   * wasm only: run tfjs-backend-wasm's multi-threaded SIMD binary in Node with this many threads
   * (`true`: one per core, at most 8). Off by default. `TFSLIM_WASM_THREADS=<n>` sets it too.
   * @tfslim/kernels-wasm's kernels link to the threaded binary's shared memory too. Must be
   * decided before wasm first initialises in the process.
   */
  wasmThreads?: boolean | number;
  /**
   * wasm only: where the `.wasm` binaries of @tensorflow/tfjs-backend-wasm are served (a
   * directory URL ending in `/`, or a map from file name to URL), passed to its
   * `setWasmPaths` before the backend starts. Browsers need it unless the files sit beside
   * the page's script.
   */
  wasmPaths?: string | Readonly<Record<string, string>>;
}
