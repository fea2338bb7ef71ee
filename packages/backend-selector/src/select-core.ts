// selectBackendOn: plans the candidates, tries each in order, registers gradients and kernels.
import { missingGradients, registerGradients } from '@tfslim/gradients';
import { fillMissingKernels, registerWasmKernels } from '@tfslim/kernels-wasm';
import { probes, type ProbeSettings } from './candidates.js';
import { registerNativeKernels } from './native-kernels.js';
import { BackendOptionsError, BackendUnavailableError, GradientsMissingError } from './errors.js';
import type { Platform } from './platform.js';
import {
  type BackendCandidate,
  type BackendReport,
  type Rejection,
  type SelectBackendOptions,
} from './types.js';

function parseCandidate(
  value: string,
  source: string,
  listed: readonly BackendCandidate[],
): BackendCandidate {
  if ((listed as readonly string[]).includes(value)) return value as BackendCandidate;
  throw new BackendOptionsError(
    `selectBackend: expected ${source} to be one of ${listed.join(', ')}, got '${value}'.`,
  );
}

/**
 * Which candidates to try, in order; `required` names what demanded a single candidate
 * (TFSLIM_BACKEND or options.require), for the error and the report.
 */
function plan(
  options: SelectBackendOptions,
  env: Record<string, string | undefined>,
  all: readonly BackendCandidate[],
): { order: BackendCandidate[]; required?: string } {
  const fromEnv = env['TFSLIM_BACKEND'];
  if (fromEnv) {
    const candidate = parseCandidate(fromEnv, 'TFSLIM_BACKEND', all);
    return { order: [candidate], required: `TFSLIM_BACKEND=${fromEnv}` };
  }
  if (options.require) {
    const candidate = parseCandidate(options.require, 'options.require', all);
    return { order: [candidate], required: `require: '${candidate}'` };
  }
  const order = [...(options.prefer ?? all)];
  for (const c of order) parseCandidate(c, 'every entry of options.prefer', all);
  if (order.length === 0) {
    throw new BackendOptionsError(
      `selectBackend: expected options.prefer to name at least one of ${all.join(', ')}, got [].`,
    );
  }
  return { order };
}

/** The wasm thread count asked for by TFSLIM_WASM_THREADS or options.wasmThreads, if any. */
function probeSettings(
  options: SelectBackendOptions,
  env: Record<string, string | undefined>,
  platform: Platform,
): ProbeSettings {
  const base: ProbeSettings = {
    enableWasmThreads: (o) => platform.enableWasmThreads(o),
    diagnoseWasm: (p) => platform.diagnoseWasm(p),
  };
  if (options.wasmPaths !== undefined) base.wasmPaths = options.wasmPaths;
  const fromEnv = env['TFSLIM_WASM_THREADS'];
  const asked = fromEnv !== undefined && fromEnv !== '' ? fromEnv : options.wasmThreads;
  if (asked === undefined || asked === false || asked === '0') return base;
  if (asked === true) return { ...base, wasmThreads: {} }; // one thread per core, at most 8
  const n = Number(asked);
  if (!Number.isInteger(n) || n < 1) {
    throw new BackendOptionsError(
      `selectBackend: expected ${fromEnv !== undefined ? 'TFSLIM_WASM_THREADS' : 'options.wasmThreads'} ` +
        `to be true or a whole number of threads >= 1, got ${JSON.stringify(asked)}.`,
    );
  }
  return n === 1 ? base : { ...base, wasmThreads: { threads: n } };
}

/** selectBackend on a given platform (index.ts: Node; index.browser.ts: browsers). */
export async function selectBackendOn(
  platform: Platform,
  options: SelectBackendOptions = {},
): Promise<BackendReport> {
  const env = options.env ?? platform.env();
  const all = platform.candidates;
  const { order, required } = plan(options, env, all);
  const rejected: Rejection[] = [];
  for (const candidate of all) {
    if (!order.includes(candidate)) {
      rejected.push({
        candidate,
        reason: required ? `not tried: ${required}` : 'not tried: not in options.prefer',
      });
    }
  }

  const settings = probeSettings(options, env, platform);
  for (const candidate of order) {
    const loader = options.loaders?.[candidate] ?? platform.loaders[candidate];
    const probe = await probes[candidate](loader, settings);
    if (!probe.ok) {
      rejected.push({ candidate, reason: probe.reason });
      continue;
    }
    registerGradients();
    const missing = missingGradients();
    if (missing.length > 0) throw new GradientsMissingError(missing);

    const filledKernels = [
      ...fillMissingKernels(probe.tfBackendName),
      ...registerNativeKernels(probe.tfBackendName),
    ];
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
