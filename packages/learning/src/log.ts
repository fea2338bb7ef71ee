// Progress lines of the learning functions: the log function, step timing, sleep.
/** Where learning functions write their progress lines (`console.log` by default; `null` silences). */
export type LogFn = ((line: string) => void) | null;

export function logger(log: LogFn | undefined): (line: string) => void {
  if (log === null) return () => undefined;
  return log ?? ((line: string) => console.log(line));
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export const nowSecs = (): number => performance.now() / 1000;

/**
 * Steps between `global step` lines when `logEveryNSteps` is not given. Every step when a
 * terminal bar replaces the default log's lines (the bar shows that loss); else about ten lines
 * a run, like Keras's epoch lines: every tenth of `numberOfSteps`, or every 100 steps.
 */
export function defaultLogEveryNSteps(
  numberOfSteps: number | undefined,
  barReplacesLines: boolean,
): number {
  if (barReplacesLines) return 1;
  return numberOfSteps === undefined ? 100 : Math.max(1, Math.round(numberOfSteps / 10));
}

/** A step's duration with a unit that shows the number: `0.412 ms/step`, `1.25 sec/step`. */
export function formatStepTime(secs: number): string {
  if (secs >= 1) return `${secs.toFixed(3)} sec/step`;
  const ms = secs * 1000;
  return `${ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3)} ms/step`;
}
