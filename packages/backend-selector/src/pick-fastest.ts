import * as tf from '@tensorflow/tfjs-core';
import { BackendOptionsError } from './errors.js';
import { BackendUnavailableError } from './errors.js';
import type { Platform } from './platform.js';
import type {
  BackendCandidate,
  BackendReport,
  BackendTiming,
  Rejection,
  SelectBackendOptions,
} from './types.js';

/** The work timed on each candidate: one training step, and what to free afterwards. */
export interface BackendTrial {
  /**
   * One step of the real work (e.g. a train op on a batch). End it by reading a value (the
   * loss) so a backend that runs asynchronously has finished when the step returns.
   */
  step(): unknown;
  /** Frees what the trial made (its model, optimizer, batches). */
  dispose?(): void;
}

/** Options of {@link pickFastestBackend}; the selectBackend options apply to every candidate. */
export interface PickFastestOptions extends Omit<SelectBackendOptions, 'require' | 'prefer'> {
  /**
   * Builds the work on the backend just made active (called once per candidate that works):
   * a fresh model, optimizer and a batch or two, e.g. the train op of the model to train.
   */
  trial: (candidate: BackendCandidate) => BackendTrial | Promise<BackendTrial>;
  /**
   * Candidates to time (default: every default candidate but plain-JS `cpu`, which is never the
   * fastest for real work and can take minutes per step on a large one).
   */
  candidates?: readonly BackendCandidate[];
  /**
   * Untimed steps per candidate first (JIT, kernel caches, memory pools): at least this many
   * (default 3) and half a second's worth; it stops after a step of a second or more (a large
   * model is warm after one).
   */
  warmupSteps?: number;
  /** Timed steps per candidate and round, at most (a round stops after 250 ms). Default 10. */
  timedSteps?: number;
  /**
   * Rounds, interleaving the candidates (fair under a changing load); the median counts. A
   * candidate over twice as slow as the best after a round stops there. Default 5.
   */
  rounds?: number;
  /** Variables that exist already: their values move to the winner. */
  variables?: readonly tf.Variable[];
  /** The clock, in milliseconds (default `performance.now`; tests inject their own). */
  now?: () => number;
}

const FN = 'pickFastestBackend';
type Select = (options: SelectBackendOptions) => Promise<BackendReport>;

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min) {
    throw new BackendOptionsError(
      `${FN}: expected ${name} a whole number >= ${min}, got ${String(n)}.`,
    );
  }
  return n;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A warm-up step this long means the work is large: the steps after it are warm enough. */
const LONG_WARMUP_STEP_MS = 1000;
/** A round of one candidate stops after this many milliseconds (at least one step). */
const ROUND_MS = 250;
/** A candidate this many times slower than the best after a round cannot win: it stops there. */
const HOPELESS = 2;

/** Warm-up lasts at least this long: JIT and native caches take far more than a few small steps. */
const WARMUP_MS = 500;
/** ...but no more steps than this. */
const MAX_WARMUP_STEPS = 1000;

/**
 * Warms a trial up: at least `steps` steps and WARMUP_MS, stopping after a step of a second
 * or more (a large model is warm after one).
 */
async function warmUp(trial: BackendTrial, steps: number, now: () => number): Promise<void> {
  const start = now();
  for (let i = 0; i < MAX_WARMUP_STEPS && (i < steps || now() - start < WARMUP_MS); i++) {
    const t0 = now();
    await trial.step();
    if (now() - t0 >= LONG_WARMUP_STEP_MS) return;
  }
}

/** Up to `steps` steps (stopping after ROUND_MS); the milliseconds each took on average. */
async function timeSteps(trial: BackendTrial, steps: number, now: () => number): Promise<number> {
  const t0 = now();
  let done = 0;
  while (done < steps && (done === 0 || now() - t0 < ROUND_MS)) {
    await trial.step();
    done++;
  }
  return (now() - t0) / done;
}

/** Gives each variable a copy of its value made on the active backend (the old one is freed). */
export function moveVariables(variables: readonly tf.Variable[]): void {
  for (const v of variables) {
    const copy = tf.tensor(v.dataSync(), v.shape, v.dtype);
    v.assign(copy);
    copy.dispose();
  }
}

/** The candidates that start here, each with its report; the others with why not. */
async function available(
  select: Select,
  base: SelectBackendOptions,
  candidates: readonly BackendCandidate[],
): Promise<{ ok: Map<BackendCandidate, BackendReport>; rejected: Rejection[] }> {
  const ok = new Map<BackendCandidate, BackendReport>();
  const rejected: Rejection[] = [];
  for (const candidate of candidates) {
    try {
      ok.set(candidate, await select({ ...base, require: candidate }));
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e;
      rejected.push(...e.rejected.filter((r) => r.candidate === candidate));
    }
  }
  return { ok, rejected };
}

/** Builds and warms a trial on each candidate, then times them in interleaved rounds. */
async function timeCandidates(
  reports: Map<BackendCandidate, BackendReport>,
  options: PickFastestOptions,
): Promise<BackendTiming[]> {
  const warmup = count('warmupSteps', options.warmupSteps, 3, 0);
  const steps = count('timedSteps', options.timedSteps, 10, 1);
  const rounds = count('rounds', options.rounds, 5, 1);
  const now = options.now ?? (() => performance.now());
  const trials = new Map<BackendCandidate, BackendTrial>();
  const times = new Map<BackendCandidate, number[]>();
  try {
    for (const [candidate, report] of reports) {
      await tf.setBackend(report.tfBackendName);
      const trial = await options.trial(candidate);
      trials.set(candidate, trial);
      await warmUp(trial, warmup, now);
      times.set(candidate, []);
    }
    const racing = new Set(trials.keys());
    for (let r = 0; r < rounds && racing.size > 1; r++) {
      for (const candidate of racing) {
        await tf.setBackend(reports.get(candidate)!.tfBackendName);
        times.get(candidate)!.push(await timeSteps(trials.get(candidate)!, steps, now));
      }
      const best = Math.min(...[...racing].map((c) => median(times.get(c)!)));
      for (const c of racing) if (median(times.get(c)!) > HOPELESS * best) racing.delete(c);
    }
  } finally {
    for (const [candidate, trial] of trials) {
      await tf.setBackend(reports.get(candidate)!.tfBackendName);
      trial.dispose?.();
    }
  }
  return [...times].map(([candidate, t]) => ({ candidate, msPerStep: median(t) }));
}

/**
 * {@link pickFastestBackend} on a platform: `select` is that platform's selectBackend.
 * TFSLIM_BACKEND (in `options.env` or the platform's) skips the timing: that backend is used.
 */
export async function pickFastestBackendWith(
  select: Select,
  platform: Pick<Platform, 'candidates' | 'env'>,
  options: PickFastestOptions,
): Promise<BackendReport> {
  if (typeof options?.trial !== 'function') {
    throw new BackendOptionsError(
      `${FN}: expected options.trial a function that builds the work to time, got ${typeof options?.trial}. ` +
        'Pass e.g. { trial: () => ({ step: () => trainOp(x, y).dataSync(), dispose: () => ... }) }.',
    );
  }
  const { trial: _t, candidates, warmupSteps: _w, timedSteps: _s, rounds: _r, ...rest } = options;
  const { variables = [], now: _n, ...base } = rest;
  const env = base.env ?? platform.env();
  const pick = async (
    candidate: BackendCandidate,
    extra: Rejection[],
    timings?: BackendTiming[],
  ) => {
    const report = await select({ ...base, require: candidate });
    report.rejected = [...extra, ...report.rejected.filter((r) => r.candidate === candidate)];
    if (timings) report.timings = timings;
    moveVariables(variables);
    return report;
  };
  if (env['TFSLIM_BACKEND']) {
    const report = await select(base);
    moveVariables(variables);
    return report;
  }
  const order = candidates ?? platform.candidates.filter((c) => c !== 'cpu');
  const { ok, rejected } = await available(select, base, order);
  if (ok.size === 0) throw new BackendUnavailableError(order, rejected, 'options.candidates');
  if (ok.size === 1) return pick([...ok.keys()][0]!, rejected);
  const timings = await timeCandidates(ok, options);
  const fastest = timings.reduce((a, b) => (b.msPerStep < a.msPerStep ? b : a));
  const slower = timings
    .filter((t) => t !== fastest)
    .map((t) => ({
      candidate: t.candidate,
      reason: `slower for this work: ${t.msPerStep.toFixed(3)} ms/step vs ${fastest.msPerStep.toFixed(3)} on ${fastest.candidate}`,
    }));
  return pick(fastest.candidate, [...rejected, ...slower], timings);
}
