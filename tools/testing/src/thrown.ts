// thrownBy: what a call throws, for tests that look at the error's class, code and message.

/**
 * Runs `f` and returns what it threw; fails the test when it returns instead.
 *
 * @example
 * expect(thrownBy(() => l2Regularizer(-1))).toMatchObject({ code: 'INVALID_ARGUMENT' });
 */
export function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('thrownBy: expected the call to throw, got a return. Check the arguments.');
}
