import { registerWasmKernels } from '@tfslim/kernels-wasm';
import { defaultLoaders, probes, type ProbeSettings } from './candidates.js';
import { BackendUnavailableError, GradientsMissingError } from './errors.js';
import { missingGradients, registerGradients } from './gradients/index.js';
import { fillMissingKernels } from './kernels/index.js';
import {
  ALL_CANDIDATES,
  type BackendCandidate,
  type BackendReport,
  type Rejection,
  type SelectBackendOptions,
} from './types.js';

function defaultEnv(): Record<string, string | undefined> {
  return typeof process !== 'undefined' && process.env ? process.env : {};
}

function parseCandidate(value: string, source: string): BackendCandidate {
  if ((ALL_CANDIDATES as readonly string[]).includes(value)) return value as BackendCandidate;
  throw new TypeError(
    `selectBackend: expected ${source} to be one of ${ALL_CANDIDATES.join(', ')}, got '${value}'.`,
  );
}

/**
 * Which candidates to try, in order; `required` names what demanded a single candidate
 * (TFSLIM_BACKEND or options.require), for the error and the report.
 */
function plan(
  options: SelectBackendOptions,
  env: Record<string, string | undefined>,
): { order: BackendCandidate[]; required?: string } {
  const fromEnv = env['TFSLIM_BACKEND'];
  if (fromEnv) {
    const candidate = parseCandidate(fromEnv, 'TFSLIM_BACKEND');
    return { order: [candidate], required: `TFSLIM_BACKEND=${fromEnv}` };
  }
  if (options.require) {
    const candidate = parseCandidate(options.require, 'options.require');
    return { order: [candidate], required: `require: '${candidate}'` };
  }
  const order = [...(options.prefer ?? ALL_CANDIDATES)];
  for (const c of order) parseCandidate(c, 'every entry of options.prefer');
  if (order.length === 0) {
    throw new TypeError(
      `selectBackend: expected options.prefer to name at least one of ${ALL_CANDIDATES.join(', ')}, got [].`,
    );
  }
  return { order };
}

/** The wasm thread count asked for by TFSLIM_WASM_THREADS or options.wasmThreads, if any. */
function probeSettings(
  options: SelectBackendOptions,
  env: Record<string, string | undefined>,
): ProbeSettings {
  const fromEnv = env['TFSLIM_WASM_THREADS'];
  const asked = fromEnv !== undefined && fromEnv !== '' ? fromEnv : options.wasmThreads;
  if (asked === undefined || asked === false || asked === '0') return {};
  if (asked === true) return { wasmThreads: {} }; // one thread per core, at most 8
  const n = Number(asked);
  if (!Number.isInteger(n) || n < 1) {
    throw new TypeError(
      `selectBackend: expected ${fromEnv !== undefined ? 'TFSLIM_WASM_THREADS' : 'options.wasmThreads'} ` +
        `to be true or a whole number of threads >= 1, got ${JSON.stringify(asked)}.`,
    );
  }
  return n === 1 ? {} : { wasmThreads: { threads: n } };
}

/**
 * Picks the fastest backend that really works here, makes it tfjs's active backend, registers
 * gradients, and fills (or replaces) training kernels it lacks.
 *
 * @example
 * const report = await selectBackend();
 * console.log(report.backend, report.rejected);
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendReport> {
  const env = options.env ?? defaultEnv();
  const { order, required } = plan(options, env);
  const rejected: Rejection[] = [];
  for (const candidate of ALL_CANDIDATES) {
    if (!order.includes(candidate)) {
      rejected.push({
        candidate,
        reason: required ? `not tried: ${required}` : 'not tried: not in options.prefer',
      });
    }
  }

  const settings = probeSettings(options, env);
  for (const candidate of order) {
    const loader = options.loaders?.[candidate] ?? defaultLoaders[candidate];
    const probe = await probes[candidate](loader, settings);
    if (!probe.ok) {
      rejected.push({ candidate, reason: probe.reason });
      continue;
    }
    registerGradients();
    const missing = missingGradients();
    if (missing.length > 0) throw new GradientsMissingError(missing);

    const filledKernels = fillMissingKernels(probe.tfBackendName);
    const wasmKernels =
      env['TFSLIM_WASM_KERNELS'] === 'stock' ? 'stock' : (options.wasmKernels ?? 'fast');
    const replacedKernels =
      probe.tfBackendName === 'wasm' && wasmKernels === 'fast' ? registerWasmKernels() : [];

    const report: BackendReport = {
      backend: candidate,
      tfBackendName: probe.tfBackendName,
      rejected,
      gradientsRegistered: true,
      filledKernels,
      replacedKernels,
      warnings: probe.warnings ?? [],
    };
    if (probe.simd !== undefined) report.simd = probe.simd;
    if (probe.threads !== undefined) report.threads = probe.threads;
    if (probe.gpu !== undefined) report.gpu = probe.gpu;
    return report;
  }

  throw new BackendUnavailableError(order, rejected, required ?? 'options.prefer');
}
