// Fixtures that jest's hooks set up and tear down, shared by the packages' suites.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh value for each test, disposed after it (a `VariableStore`, a metric). Call it at the
 * top of a describe; read the value with the returned getter inside the tests.
 *
 * @example
 * const store = perTest(() => new VariableStore());
 * it('...', () => variableScope('net', f, { store: store() }));
 */
export function perTest<T extends { dispose(): void }>(make: () => T): () => T {
  let current: T | undefined;
  beforeEach(() => {
    current = make();
  });
  afterEach(() => {
    current?.dispose();
    current = undefined;
  });
  return () => {
    if (current === undefined) {
      throw new Error(
        'perTest: expected a running test, got none. Read the value inside it(), beforeEach() or afterEach().',
      );
    }
    return current;
  };
}

/**
 * A maker of temp dirs (`<os tmp>/<prefix>XXXXXX`), every one removed after the file's tests.
 *
 * @example
 * const tmp = tempDirs('tfslim-resume-');
 * const logdir = tmp();
 */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
