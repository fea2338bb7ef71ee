import { existsSync } from 'node:fs';
import { perTest, tempDirs } from './lifecycle.js';

class Counter {
  static made = 0;
  disposed = false;
  readonly id = ++Counter.made;
  dispose(): void {
    this.disposed = true;
  }
}

describe('perTest', () => {
  const counter = perTest(() => new Counter());
  const seen: Counter[] = [];

  it('gives each test a fresh value', () => {
    seen.push(counter());
    expect(counter()).toBe(seen[0]);
  });

  it('disposed the previous one after its test', () => {
    seen.push(counter());
    expect(seen[1]).not.toBe(seen[0]);
    expect(seen[0]!.disposed).toBe(true);
    expect(seen[1]!.disposed).toBe(false);
  });
});

describe('perTest outside a test', () => {
  const counter = perTest(() => new Counter());
  const read = (() => {
    try {
      counter();
      return 'no error';
    } catch (e) {
      return (e as Error).message;
    }
  })();

  it('says to read the value inside a test', () => {
    expect(read).toMatch(
      /^perTest: expected a running test, got none\. Read the value inside it\(\)/,
    );
  });
});

describe('tempDirs', () => {
  const tmp = tempDirs('tfslim-testing-lifecycle-');
  it('makes a new directory on each call', () => {
    const a = tmp();
    const b = tmp();
    expect(a).not.toBe(b);
    expect(existsSync(a) && existsSync(b)).toBe(true);
  });
});
