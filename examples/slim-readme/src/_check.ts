// What every sample asserts with: a number equal to slim's within a float32 tolerance.

/** Throws unless `got` is within `tol` of `want` (the number slim's sample implies). */
export function expectClose(what: string, got: number, want: number, tol = 1e-5): number {
  if (!(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)))) {
    throw new Error(`${what}: expected ${want} (slim's number), got ${got}.`);
  }
  return got;
}

/** Throws unless `fn` throws an error whose message matches `pattern`; returns the message. */
export function expectThrows(what: string, fn: () => unknown, pattern: RegExp): string {
  try {
    fn();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!pattern.test(message))
      throw new Error(`${what}: expected an error matching ${pattern}, got: ${message}`);
    return message;
  }
  throw new Error(`${what}: expected an error matching ${pattern}, got none.`);
}

/** The one number of a scalar tensor. */
export function num(t: { dataSync(): ArrayLike<number> }): number {
  return t.dataSync()[0] as number;
}
