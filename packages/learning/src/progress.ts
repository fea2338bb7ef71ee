import { LearningError } from './errors.js';
import { nowSecs } from './log.js';

/**
 * How `train` and `evaluateOnce` show progress: `'bar'` redraws one line (steps, loss, ETA) on a
 * terminal, `'lines'` writes a plain line about every 10% (logs, CI), `'auto'` picks `'bar'` when
 * the stream is a TTY and `CI` is unset, else `'lines'`, and `'none'` writes nothing.
 */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** Where progress goes: anything with `write` (default `process.stderr`); `isTTY` selects the bar. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const MODES: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'none'];

interface NodeLike {
  process?: { stderr?: ProgressStream; env?: Record<string, string | undefined> };
}

function defaultStream(): ProgressStream | null {
  return (globalThis as NodeLike).process?.stderr ?? null;
}

function isCI(): boolean {
  const env = (globalThis as NodeLike).process?.env;
  return env !== undefined && env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== 'false';
}

export function formatDuration(secs: number): string {
  if (!Number.isFinite(secs) || secs < 0) return '?';
  const s = Math.round(secs);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

/** A progress display for `total` units of work (steps or batches) named `label`. */
export interface Progress {
  /** Whether a redrawn bar is shown (then per-step lines to the default log are left out). */
  readonly bar: boolean;
  /** Done units so far (absolute, e.g. the global step); `loss` is shown when given. */
  update(done: number, loss?: number): void;
  /** Prints a log line without tearing the bar. */
  log(line: string, print: (line: string) => void): void;
  /** Final state; clears nothing, ends the bar's line. */
  finish(): void;
}

const NONE: Progress = {
  bar: false,
  update: () => undefined,
  log: (line, print) => print(line),
  finish: () => undefined,
};

/**
 * Builds the progress display for `fn` (`'train'` or `'evaluateOnce'`): `total` units, counting
 * from `start` (a resumed run starts at its global step), so the ETA uses this call's rate.
 */
export function createProgress(
  fn: string,
  label: string,
  start: number,
  total: number | undefined,
  mode: ProgressMode | undefined,
  stream: ProgressStream | undefined,
  silentDefault: boolean,
): Progress {
  if (mode !== undefined && !MODES.includes(mode)) {
    throw new LearningError(
      `${fn}: expected progress one of 'auto', 'bar', 'lines', 'none', got ${JSON.stringify(mode)}. Pass e.g. progress: 'lines'.`,
    );
  }
  const out = stream ?? defaultStream();
  const m = mode ?? (silentDefault ? 'none' : 'auto');
  if (out === null || m === 'none') return NONE;
  const bar = m === 'bar' || (m === 'auto' && out.isTTY === true && !isCI());
  const t0 = nowSecs();
  let drawn = false;
  let lastDraw = -Infinity;
  let lastTenth = -1;
  let last = start;
  let lastLoss: number | undefined;

  const text = (done: number): { head: string; tail: string; frac: number } => {
    const n = done - start;
    const elapsed = nowSecs() - t0;
    const frac = total !== undefined && total > start ? (done - start) / (total - start) : NaN;
    const rate = n > 0 && elapsed > 0 ? n / elapsed : NaN;
    const eta = total !== undefined && rate > 0 ? (total - done) / rate : NaN;
    const count = total !== undefined ? `${done}/${total}` : `${done}`;
    const loss = lastLoss !== undefined ? ` loss ${lastLoss.toFixed(4)}` : '';
    const speed = Number.isFinite(rate)
      ? ` ${rate >= 10 ? rate.toFixed(0) : rate.toFixed(2)} ${label}/s`
      : '';
    const etaText = Number.isFinite(eta) ? ` ETA ${formatDuration(eta)}` : '';
    return {
      head: `${fn} ${label} ${count}`,
      tail: `${loss}${speed}${etaText} elapsed ${formatDuration(elapsed)}`,
      frac,
    };
  };

  const draw = (): void => {
    const { head, tail, frac } = text(last);
    let barText = '';
    if (Number.isFinite(frac)) {
      const width = Math.max(
        10,
        Math.min(30, (out.columns ?? 80) - head.length - tail.length - 10),
      );
      const filled = Math.max(0, Math.min(width, Math.round(frac * width)));
      const pct = `${Math.floor(Math.min(1, frac) * 100)}%`.padStart(4);
      barText = ` [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${pct}`;
    }
    out.write(`\r\x1b[K${head}${barText}${tail}`);
    drawn = true;
    lastDraw = nowSecs();
  };

  return {
    bar,
    update(done, loss) {
      last = done;
      if (loss !== undefined) lastLoss = loss;
      if (bar) {
        const finished = total !== undefined && done >= total;
        if (finished || nowSecs() - lastDraw >= 0.1) draw();
        return;
      }
      if (total === undefined || total <= start) return;
      const tenth = Math.floor(((done - start) / (total - start)) * 10);
      if (tenth > lastTenth && tenth >= 1) {
        lastTenth = tenth;
        const { head, tail, frac } = text(done);
        out.write(`${head} (${Math.floor(Math.min(1, frac) * 100)}%)${tail}\n`);
      }
    },
    log(line, print) {
      if (bar && drawn) out.write('\r\x1b[K');
      print(line);
      if (bar && drawn) draw();
    },
    finish() {
      if (bar) {
        if (last > start || drawn) draw();
        if (drawn) out.write('\n');
        drawn = false;
      }
    },
  };
}
