// Test helpers (not part of the public surface): a finite-difference gradient checker that runs
// on whichever tfjs backend is active, and the declared list of kernels a backend may lack.
import * as tf from '@tensorflow/tfjs-core';
import { rng, testBackends } from '@tfslim-internal/testing';
import { useBackend } from './backends.test-helpers.js';

export { rng };

/** cpu, wasm and (when tfjs-node loads) tensorflow; TFSLIM_TEST_BACKENDS narrows it. */
export const BACKENDS = testBackends();

/**
 * Kernels a backend still lacks once prepared for training (fillMissingKernels adds wasm's
 * Conv2DBackpropFilter, the depthwise backprops and UnsortedSegmentSum), keyed
 * `backend: kernel`, with the reason. A case needing one is skipped there when the tests are
 * collected (reported as skipped, not passed); known-backend-gaps.test.ts checks each is still
 * missing, so an entry goes as soon as the kernel appears. Any other missing kernel fails.
 */
export const KNOWN_BACKEND_GAPS: Readonly<Record<string, string>> = {
  'wasm: ComplexAbs':
    'tfjs-backend-wasm 4.22 has no complex numbers (no ComplexAbs forward kernel)',
  'tensorflow: MaxPoolWithArgmax': 'tfjs-node 4.22 registers no MaxPoolWithArgmax kernel',
};

/** The declared gaps of `backend` among `kernels`, as reasons. */
export function declaredGaps(backend: string, kernels: readonly string[]): string[] {
  return kernels.flatMap((k) => KNOWN_BACKEND_GAPS[`${backend}: ${k}`] ?? []);
}

const FLT_MIN_BUG =
  'starts its running maximum at FLT_MIN (smallest positive float), so windows whose values ' +
  'are all <= 0 come out wrong; the positive-input case checks the gradient there';

/**
 * Cases a backend's own kernels compute wrongly in a way no gradient can repair (a wrong
 * forward pass makes the finite differences wrong too), keyed `backend: case name`. There the
 * case is replaced by a test that it still fails, which fails (saying to remove the entry) once
 * the backend computes it right.
 */
export const KNOWN_BACKEND_BUGS: Readonly<Record<string, string>> = {
  'wasm: Prelu [2,3,4] with alpha [3,1]':
    'tfjs-backend-wasm 4.22 Prelu cycles alpha along the last axis instead of broadcasting it',
  'wasm: MaxPool3D 2x2x2 stride 1 same (no ties)': `tfjs-backend-wasm 4.22 MaxPool3D ${FLT_MIN_BUG}`,
  'wasm: Dilation2D stride 1 same': `tfjs-backend-wasm 4.22 Dilation2D ${FLT_MIN_BUG}`,
  'wasm: Dilation2D stride 2 valid dilation 1': `tfjs-backend-wasm 4.22 Dilation2D ${FLT_MIN_BUG}`,
  'cpu: DepthToSpace block 2 NCHW':
    "tfjs-backend-cpu 4.22 DepthToSpace supports only dataFormat 'NHWC' (forward throws)",
  'wasm: MaxPoolWithArgmax 2x2 stride 2 valid (no ties)': `tfjs-backend-wasm 4.22 MaxPoolWithArgmax ${FLT_MIN_BUG}`,
  'cpu: TensorScatterUpdate of rows':
    'tfjs-backend-cpu 4.22 TensorScatterUpdate writes the updates into its input tensor in place',
  'wasm: Conv2D NCHW stride 2 same':
    "tfjs-backend-wasm 4.22 Conv2D does not support dataFormat 'NCHW' (forward throws)",
  'tensorflow: Conv2D with explicit padding':
    "tfjs-node 4.22 Conv2D supports only 'valid' and 'same' padding (forward throws)",
  'tensorflow: FusedConv2D linear + bias with explicit padding':
    "tfjs-node 4.22 Conv2DBackpropInput supports only 'valid' and 'same' padding (the gradient's kernel throws)",
  'tensorflow: Conv3D dilation 2 same':
    "TensorFlow's CPU Conv3D supports no dilations (tfjs-node's forward throws)",
  'tensorflow: DepthToSpace block 2 NCHW':
    "TensorFlow's CPU DepthToSpace supports only dataFormat 'NHWC' (forward throws)",
  'tensorflow: Conv2D NCHW stride 2 same':
    "TensorFlow's CPU Conv2D supports only dataFormat 'NHWC' (the forward throws)",
  'wasm: GatherV2 axis 1 batchDims 1':
    'tfjs-backend-wasm 4.22 GatherV2 with batchDims 1 gathers from the wrong rows (e.g. ' +
    'x[1][2] for index 1 of batch 1)',
};

/** Fails naming the kernels of `needs` the active backend lacks (declared gaps are skipped earlier). */
function expectKernels(needs: readonly string[]): void {
  const backend = tf.getBackend();
  const missing = needs.filter((k) => tf.getKernel(k, backend) == null);
  if (missing.length > 0) {
    throw new Error(
      `backend ${backend} lacks ${missing.join(', ')} (not a declared gap in KNOWN_BACKEND_GAPS)`,
    );
  }
}

const size = (shape: readonly number[]) => shape.reduce((p, c) => p * c, 1);

/** Uniform values in [lo, hi) with |v| >= gap (keeps inputs away from kinks at 0). */
export function uniform(shape: number[], seed: number, lo = -1, hi = 1, gap = 0): tf.Tensor {
  const next = rng(seed);
  const values = Array.from({ length: size(shape) }, () => {
    for (;;) {
      const v = lo + (hi - lo) * next();
      if (Math.abs(v) >= gap) return v;
    }
  });
  return tf.tensor(values, shape, 'float32');
}

/**
 * Distinct values, a random permutation of lo, lo + step, ...: max/min/maxPool have no ties
 * and no near-ties within a finite-difference step smaller than step / 2.
 */
export function distinct(shape: number[], seed: number, step = 0.05, lo = -1): tf.Tensor {
  const n = size(shape);
  const next = rng(seed);
  const values = Array.from({ length: n }, (_, i) => lo + step * i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [values[i], values[j]] = [values[j] as number, values[i] as number];
  }
  return tf.tensor(values, shape, 'float32');
}

export interface GradCheckOptions {
  /** Finite-difference step. */
  eps?: number;
  /** Relative tolerance. */
  rtol?: number;
  /** Absolute tolerance, as a fraction of the largest numeric gradient (at least 1). */
  atol?: number;
  /** Seed of the random upstream gradient. */
  seed?: number;
  /** Indices of the inputs to differentiate (default: all); the others are held constant. */
  wrt?: number[];
}

export interface GradCheckResult {
  /** Kernels the forward pass ran (from tf.profile). */
  kernels: string[];
  /** Largest |analytic - numeric| seen. */
  maxError: number;
}

/**
 * Compares tfjs's analytic gradient of L(xs) = sum(f(xs) * dy) (dy random, fixed) with centred
 * finite differences of L computed here from forward passes alone, accumulated in float64.
 * Also checks that computing the gradients inside tidy leaks no tensor.
 */
export async function gradCheck(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  xs: tf.Tensor[],
  options: GradCheckOptions = {},
): Promise<GradCheckResult> {
  const eps = options.eps ?? 1e-2;
  const rtol = options.rtol ?? 1e-2;
  const atolFraction = options.atol ?? 2e-3;

  // A plain forward pass first: tfjs-node runs profiled kernels inside a promise, so a kernel
  // that throws under tf.profile becomes an unhandled rejection that kills the jest worker.
  tf.tidy(() => f(...xs)).dispose();
  const profile = await tf.profile(() => tf.tidy(() => f(...xs)));
  const y = profile.result as tf.Tensor;
  const outShape = y.shape;
  y.dispose();
  const dyValues = Float64Array.from(uniform(outShape, options.seed ?? 7).dataSync());
  const dy = tf.tensor(Array.from(dyValues), outShape, 'float32');

  const loss = (inputs: tf.Tensor[]): number => {
    const out = tf.tidy(() => f(...inputs));
    const values = out.dataSync();
    out.dispose();
    let total = 0;
    for (let i = 0; i < values.length; i++) total += (values[i] ?? 0) * (dyValues[i] ?? 0);
    return total;
  };

  const before = tf.memory().numTensors;
  const wrt = options.wrt ?? xs.map((_, i) => i);
  const withSubset = (subset: tf.Tensor[]) =>
    xs.map((x, k) => {
      const at = wrt.indexOf(k);
      return at >= 0 ? (subset[at] as tf.Tensor) : x;
    });
  const grads = tf.tidy(() =>
    tf.grads((...subset: tf.Tensor[]) => tf.sum(tf.mul(f(...withSubset(subset)), dy)))(
      wrt.map((k) => xs[k] as tf.Tensor),
    ),
  );
  const analytic = new Map<number, Float32Array>();
  grads.forEach((g, i) => {
    const k = wrt[i] ?? -1;
    expect(g.shape).toEqual(xs[k]?.shape);
    expect(g.dtype).toBe('float32');
    analytic.set(k, g.dataSync().slice() as Float32Array);
  });
  tf.dispose(grads);
  expect(tf.memory().numTensors).toBe(before);

  let maxError = 0;
  xs.forEach((x, i) => {
    if (!wrt.includes(i)) return;
    const base = x.dataSync().slice();
    const numeric = new Float64Array(base.length);
    for (let j = 0; j < base.length; j++) {
      const at = (delta: number) => {
        const values = base.slice();
        values[j] = (values[j] ?? 0) + delta;
        const shifted = tf.tensor(values, x.shape, 'float32');
        const inputs = xs.map((t, k) => (k === i ? shifted : t));
        const value = loss(inputs);
        shifted.dispose();
        return { value, at: values[j] ?? 0 };
      };
      const plus = at(eps);
      const minus = at(-eps);
      numeric[j] = (plus.value - minus.value) / (plus.at - minus.at);
    }
    const scale = Math.max(1, ...Array.from(numeric, Math.abs));
    const got = analytic.get(i) ?? new Float32Array();
    const bad: string[] = [];
    numeric.forEach((n, j) => {
      const a = got[j] ?? NaN;
      const err = Math.abs(a - n);
      maxError = Math.max(maxError, err);
      if (!(err <= atolFraction * scale + rtol * Math.abs(n))) {
        bad.push(`[${j}] analytic ${a.toFixed(5)} numeric ${n.toFixed(5)}`);
      }
    });
    if (bad.length > 0) {
      throw new Error(
        `gradient of input ${i} (shape [${x.shape}]) differs from finite differences at ` +
          `${bad.length}/${numeric.length} elements: ${bad.slice(0, 6).join('; ')}`,
      );
    }
  });
  dy.dispose();
  return { kernels: profile.kernelNames, maxError };
}

/** One gradient check: `kernel` must run in `f`'s forward pass. */
export interface GradCase {
  name: string;
  kernel: string;
  /** Kernels the gradient needs besides the forward one (backprop kernels). */
  needs?: string[];
  /** Kernels only the gradient of input i needs; a backend lacking them skips just that input. */
  needsFor?: Record<number, string[]>;
  f: (...xs: tf.Tensor[]) => tf.Tensor;
  /** Inputs, created under the active backend. */
  xs: () => tf.Tensor[];
  options?: GradCheckOptions;
  /** Set when tf.grad cannot reach the kernel on cpu/wasm; names the direct test instead. */
  checkedDirectly?: string;
}

/** Why `c` is not run on `backend` (checked directly, or a declared gap), or null. */
export function skipReasonOf(c: GradCase, backend: string): string | null {
  if (c.checkedDirectly != null) return `checked directly: ${c.checkedDirectly}`;
  return declaredGaps(backend, [c.kernel, ...(c.needs ?? [])])[0] ?? null;
}

/**
 * Runs a case on the active backend (`backend`), differentiating every input whose gradient
 * kernels it has (`needsFor` names them; a declared gap there leaves that input out, printed).
 */
export async function runCase(c: GradCase, backend: string = tf.getBackend()): Promise<void> {
  expectKernels([c.kernel, ...(c.needs ?? [])]);
  const xs = c.xs();
  try {
    const wrt = xs
      .map((_, i) => i)
      .filter((i) => {
        const gaps = declaredGaps(backend, c.needsFor?.[i] ?? []);
        if (gaps.length > 0) console.log(`input ${i} of ${c.name} not checked: ${gaps.join('; ')}`);
        return gaps.length === 0;
      });
    for (const i of wrt) expectKernels(c.needsFor?.[i] ?? []);
    if (wrt.length === 0) {
      throw new Error(`${c.name}: no input left to check on ${backend}; declare the case skipped`);
    }
    const { kernels } = await gradCheck(c.f, xs, { ...c.options, wrt });
    expect(kernels).toContain(c.kernel);
  } finally {
    tf.dispose(xs);
  }
}

/** Runs a known-bug case and fails if the backend now gets it right (the entry must go). */
export async function expectStillWrong(c: GradCase, backend: string, bug: string): Promise<void> {
  const xs = c.xs();
  let error: unknown = null;
  try {
    await gradCheck(c.f, xs, c.options);
  } catch (e) {
    error = e;
  } finally {
    tf.dispose(xs);
  }
  if (error === null) {
    throw new Error(
      `${backend}: ${c.name} now passes the gradient check, so "${bug}" is fixed: remove its ` +
        `KNOWN_BACKEND_BUGS entry (gradcheck.test-helpers.ts) so the case runs again.`,
    );
  }
}

/** Kernel names of `configs` that no case exercises. */
export function untested(configs: readonly tf.GradConfig[], cases: readonly GradCase[]): string[] {
  const covered = new Set(cases.map((c) => c.kernel));
  return configs.map((c) => c.kernelName).filter((k) => !covered.has(k));
}

/**
 * The standard suite of a gradient family: every case on every backend (plus `extra` tests in
 * the same backend context), and a check that every config of the family has a case.
 */
export function describeGradients(
  title: string,
  configs: readonly tf.GradConfig[],
  cases: readonly GradCase[],
  extra?: () => void,
): void {
  describe.each(BACKENDS)(`${title} on %s`, (backend) => {
    beforeAll(async () => {
      await useBackend(backend);
    });
    // Decided here, when the tests are collected, so a case that cannot run is reported as
    // skipped (with why) and a known bug as a check that it is still there, never as a pass.
    for (const c of cases) {
      const skip = skipReasonOf(c, backend);
      const bug = KNOWN_BACKEND_BUGS[`${backend}: ${c.name}`];
      if (skip !== null) it.skip(`${c.name} (${skip})`, () => undefined);
      else if (bug !== undefined) {
        it(`${c.name} is still wrong here (known bug: ${bug})`, () =>
          expectStillWrong(c, backend, bug));
      } else it(c.name, () => runCase(c, backend));
    }
    extra?.();
  });
  it(`covers every kernel of ${title} with a case`, () => {
    expect(untested(configs, cases)).toEqual([]);
  });
}
