// How train and evaluateOnce show progress: a redrawn bar or plain lines.
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
  return new ProgressDisplay(fn, label, start, total, out, bar);
}

/** A bar redrawn on one line, or a plain line about every tenth of the work. */
class ProgressDisplay implements Progress {
  private readonly t0 = nowSecs();
  private drawn = false;
  private lastDraw = -Infinity;
  private lastTenth = -1;
  private last: number;
  private lastLoss: number | undefined;

  constructor(
    private readonly fn: string,
    private readonly label: string,
    private readonly start: number,
    private readonly total: number | undefined,
    private readonly out: ProgressStream,
    readonly bar: boolean,
  ) {
    this.last = start;
  }

  update(done: number, loss?: number): void {
    this.last = done;
    if (loss !== undefined) this.lastLoss = loss;
    if (this.bar) {
      const finished = this.total !== undefined && done >= this.total;
      if (finished || nowSecs() - this.lastDraw >= 0.1) this.draw();
      return;
    }
    const { start, total } = this;
    if (total === undefined || total <= start) return;
    const tenth = Math.floor(((done - start) / (total - start)) * 10);
    if (tenth > this.lastTenth && tenth >= 1) {
      this.lastTenth = tenth;
      const { head, tail, frac } = this.text(done);
      this.out.write(`${head} (${Math.floor(Math.min(1, frac) * 100)}%)${tail}\n`);
    }
  }

  log(line: string, print: (line: string) => void): void {
    if (this.bar && this.drawn) this.out.write('\r\x1b[K');
    print(line);
    if (this.bar && this.drawn) this.draw();
  }

  finish(): void {
    if (!this.bar) return;
    if (this.last > this.start || this.drawn) this.draw();
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }

  /** The line's parts at `done`: what and how far, then loss, speed, ETA and elapsed time. */
  private text(done: number): { head: string; tail: string; frac: number } {
    const { start, total, label } = this;
    const n = done - start;
    const elapsed = nowSecs() - this.t0;
    const frac = total !== undefined && total > start ? (done - start) / (total - start) : NaN;
    const rate = n > 0 && elapsed > 0 ? n / elapsed : NaN;
    const eta = total !== undefined && rate > 0 ? (total - done) / rate : NaN;
    const count = total !== undefined ? `${done}/${total}` : `${done}`;
    const loss = this.lastLoss !== undefined ? ` loss ${this.lastLoss.toFixed(4)}` : '';
    const speed = Number.isFinite(rate)
      ? ` ${rate >= 10 ? rate.toFixed(0) : rate.toFixed(2)} ${label}/s`
      : '';
    const etaText = Number.isFinite(eta) ? ` ETA ${formatDuration(eta)}` : '';
    return {
      head: `${this.fn} ${label} ${count}`,
      tail: `${loss}${speed}${etaText} elapsed ${formatDuration(elapsed)}`,
      frac,
    };
  }

  private draw(): void {
    const { head, tail, frac } = this.text(this.last);
    let barText = '';
    if (Number.isFinite(frac)) {
      const width = Math.max(
        10,
        Math.min(30, (this.out.columns ?? 80) - head.length - tail.length - 10),
      );
      const filled = Math.max(0, Math.min(width, Math.round(frac * width)));
      const pct = `${Math.floor(Math.min(1, frac) * 100)}%`.padStart(4);
      barText = ` [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${pct}`;
    }
    this.out.write(`\r\x1b[K${head}${barText}${tail}`);
    this.drawn = true;
    this.lastDraw = nowSecs();
  }
}
