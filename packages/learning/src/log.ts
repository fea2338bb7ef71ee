/** Where learning functions write their progress lines (`console.log` by default; `null` silences). */
export type LogFn = ((line: string) => void) | null;

export function logger(log: LogFn | undefined): (line: string) => void {
  if (log === null) return () => undefined;
  return log ?? ((line: string) => console.log(line));
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export const nowSecs = (): number => performance.now() / 1000;
